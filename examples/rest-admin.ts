// The app admin's REST API with RestClient: accounts, a group, and get_specified_group_member_info.
// Runs against a local emulator; for Tencent's service use
//   new RestClient({ sdkAppId: 1400000001, secretKey: process.env.TIM_SECRET_KEY ?? '', region: 'singapore' })
import { RestClient, RestError, startEmulator } from 'tim-native';

async function main(): Promise<void> {
  // The member custom field used below, registered as in the IM console (Tencent refuses unregistered keys).
  const emulator = await startEmulator({ port: 0, customFields: { groupMember: ['team'] } });
  const rest = new RestClient({ sdkAppId: emulator.sdkAppId, secretKey: emulator.secretKey, baseUrl: `http://${emulator.address}` });
  try {
    await rest.multiAccountImport({ Accounts: ['alice', 'bob'] });
    const { GroupId } = await rest.createGroup({
      Type: 'Public',
      Name: 'Example group',
      Owner_Account: 'alice',
      MemberList: [{ Member_Account: 'bob' }],
    });
    await rest.modifyGroupMemberInfo({ GroupId, Member_Account: 'bob', NameCard: 'Bobby', AppMemberDefinedData: [{ Key: 'team', Value: 'core' }] });

    const { MemberList } = await rest.getSpecifiedGroupMemberInfo({
      GroupId,
      Member_List_Account: ['alice', 'bob'],
      MemberInfoFilter: ['Role', 'NameCard', 'OnlineStatus'],
      AppDefinedDataFilter_GroupMember: ['team'],
    });
    console.table(MemberList.map((m) => ({ ...m, AppMemberDefinedData: JSON.stringify(m.AppMemberDefinedData) })));

    // Every failure is a RestError with the service's code; bad requests are refused before sending.
    await rest.getSpecifiedGroupMemberInfo({ GroupId: '@TGS#NOSUCHGROUP', Member_List_Account: ['alice'] });
  } catch (err) {
    if (!(err instanceof RestError)) throw err;
    console.log(`RestError ${err.code} from ${err.service}/${err.command}: ${err.info}`); // 10010: no such group
  } finally {
    rest.close();
    await emulator.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
