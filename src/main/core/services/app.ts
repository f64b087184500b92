// app.*: what is open, where data lives, folders the user may open.
import type { AppInfo, Session } from '../../../shared/api.js';
import type { DirectoryListing } from '../../../shared/map_tools.js';
import type { AppService } from '../../../shared/api.js';
import { backendReport } from '../tensor/report.js';
import { appVersion } from '../io/app_version.js';
import { FolderBrowser } from '../datasets/folder_browser.js';
import { sessionView, type ServiceSession } from './context.js';

export class AppServiceImpl implements AppService {
  private backendLabel: Promise<string> | null = null;
  private folders: FolderBrowser | null = null;

  constructor(private readonly s: ServiceSession) {}

  async info(): Promise<AppInfo> {
    this.backendLabel ??= backendReport().then((b) => (b.error ? `none (${b.error})` : `${b.backend}${b.gpu ? ` on ${b.gpu}` : ''}`));
    const o = this.s.options;
    return { version: appVersion(), mode: o.mode, backend: await this.backendLabel, dataDir: o.dataDir, canPickFolder: !!o.pickFolder };
  }

  async session(): Promise<Session> {
    return sessionView(this.s);
  }

  async pickFolder(): Promise<string | null> {
    const picked = this.s.options.pickFolder ? await this.s.options.pickFolder() : null;
    if (picked) this.s.chosenFolders.push(picked);
    return picked;
  }

  async listDirectory(req: { path?: string }): Promise<DirectoryListing> {
    this.folders ??= new FolderBrowser(this.s.options.allowedRoots);
    return this.folders.list(req.path);
  }
}
