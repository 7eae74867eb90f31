// tim-native in Electron's main process: one TIMClient for the app, its calls exposed to renderers
// through ipcMain.handle, its events forwarded to every window.
//
// Renderer side (through a preload script with contextBridge):
//   const statuses = await ipcRenderer.invoke('tim:getUserStatus', ['bob']);
//   ipcRenderer.on('tim:userStatusChanged', (_event, statuses) => render(statuses));
// A failed call rejects in the renderer; the message carries the code and its name, e.g.
// "TIMGetUserStatus failed with 6014 ERR_SDK_NOT_LOGGED_IN: ...". Bad arguments from a renderer are
// refused by TIMClient's validation (TypeError) before anything reaches native code.
import { app, BrowserWindow, ipcMain } from 'electron';
import * as path from 'path';
import { TIMClient, vendorLibraryPath } from 'tim-native';
import type { TIMClientEventName, TIMClientEvents, UserProfileItem, UserStatusParam } from 'tim-native';

const SDK_APP_ID = Number(process.env.TIM_SDKAPPID ?? 1400000000);

// Without sdkPath: the embedded emulator backend (TIM_EMULATOR_HOST). TIM_VENDOR=1: Tencent's
// library of this platform from the installed im_electron_sdk (in a packaged app, list
// im_electron_sdk in asarUnpack; vendorLibraryPath maps app.asar to app.asar.unpacked).
const client = new TIMClient(process.env.TIM_VENDOR === '1' ? { sdkPath: vendorLibraryPath() } : {});

function forward<E extends TIMClientEventName>(event: E): void {
  const listener = (...args: TIMClientEvents[E]): void => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.webContents.isDestroyed()) win.webContents.send(`tim:${event}`, ...args);
    }
  };
  client.on(event, listener);
}

for (const event of ['userStatusChanged', 'selfInfoUpdated', 'userInfoChanged', 'networkStatus', 'kickedOffline', 'userSigExpired'] as const) {
  forward(event);
}

ipcMain.handle('tim:login', (_e, userId: string, userSig: string) => client.login(userId, userSig));
ipcMain.handle('tim:logout', () => client.logout());
ipcMain.handle('tim:loginStatus', () => client.loginStatus());
ipcMain.handle('tim:getUserProfileList', (_e, userIds: string[]) => client.getUserProfileList(userIds));
ipcMain.handle('tim:modifySelfUserProfile', (_e, item: UserProfileItem) => client.modifySelfUserProfile(item));
ipcMain.handle('tim:getUserStatus', (_e, userIds: string[]) => client.getUserStatus(userIds));
ipcMain.handle('tim:setSelfStatus', (_e, status: UserStatusParam | string) => client.setSelfStatus(status));
ipcMain.handle('tim:subscribeUserStatus', (_e, userIds: string[]) => client.subscribeUserStatus(userIds));
ipcMain.handle('tim:unsubscribeUserStatus', (_e, userIds?: string[]) => client.unsubscribeUserStatus(userIds));

app.whenReady().then(async () => {
  client.init(SDK_APP_ID);
  const win = new BrowserWindow({
    width: 900,
    height: 600,
    webPreferences: { preload: path.join(__dirname, 'preload.js'), contextIsolation: true, sandbox: true },
  });
  await win.loadFile(path.join(__dirname, 'index.html'));
});

app.on('window-all-closed', () => app.quit());
// Settles every pending call (7009) and stops the SDK before the process goes.
app.on('will-quit', () => client.uninit());
