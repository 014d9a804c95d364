import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Storage } from './storage';

/** Closes the database after Nest has stopped taking requests (app.close() or a signal). */
@Injectable()
export class StorageShutdown implements OnApplicationShutdown {
  constructor(private readonly storage: Storage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
