import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface Health {
  status: 'ok' | 'error';
  database: 'ok' | 'down';
}

@Injectable()
export class HealthService {
  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<Health> {
    const database = await this.dataSource.query('SELECT 1').then(
      () => 'ok' as const,
      () => 'down' as const,
    );
    return { status: database === 'ok' ? 'ok' : 'error', database };
  }
}
