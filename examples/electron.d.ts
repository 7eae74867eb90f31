// The few Electron APIs examples/electron-main.ts uses, declared here so that the example
// type-checks without installing Electron. Your app gets the real types from the `electron` package.
declare module 'electron' {
  export interface WebContents {
    send(channel: string, ...args: unknown[]): void;
    isDestroyed(): boolean;
  }

  export interface IpcMainInvokeEvent {
    readonly sender: WebContents;
  }

  export interface BrowserWindowOptions {
    width?: number;
    height?: number;
    webPreferences?: { preload?: string; contextIsolation?: boolean; sandbox?: boolean };
  }

  export class BrowserWindow {
    constructor(options?: BrowserWindowOptions);
    readonly webContents: WebContents;
    loadFile(filePath: string): Promise<void>;
    static getAllWindows(): BrowserWindow[];
  }

  export const app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'will-quit', listener: () => void): void;
    quit(): void;
  };

  export const ipcMain: {
    /** Arguments come from a renderer: untrusted, typed here as the handler declares them. */
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: never[]) => unknown): void;
  };
}
