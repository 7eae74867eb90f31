// tim-native in Node: an emulator, a client, a profile and a status.
// The emulator needs better-sqlite3 beside tim-native: npm install tim-native better-sqlite3
import { TIMClient, kTIMUserProfileItemNickName, startEmulator } from 'tim-native';

async function main(): Promise<void> {
  const emulator = await startEmulator({ port: 0 }); // or Tencent's library: new TIMClient({ sdkPath })
  const client = new TIMClient({ emulator: emulator.address });
  client.on('userStatusChanged', (statuses) => console.log('status push:', statuses));
  client.init(emulator.sdkAppId);
  await client.login('alice', emulator.genUserSig('alice'));
  await client.modifySelfUserProfile({ [kTIMUserProfileItemNickName]: 'Alice' });
  console.log(await client.getUserProfileList(['alice']));
  console.log(await client.getUserStatus(['alice', 'bob']));
  await client.logout();
  client.uninit();
  await emulator.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
