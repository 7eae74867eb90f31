// tim-native in Node: an emulator, a client, a profile and a status. In your app, import from 'tim-native'.
import { TIMClient, kTIMUserProfileItemNickName } from '../lib';
import { startEmulator } from '../lib/emulator';

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
