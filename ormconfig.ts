import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { loadEnvFile } from './src/config/env-file';
import { ENTITIES } from './src/entities';
import { dataSourceOptions } from './src/infra/database/data-source-options';

// The same settings as `npm start`: the environment, then `.env` for what it does not set.
loadEnvFile();

/** The DataSource of the TypeORM CLI (`npm run typeorm ...`), built from the app's own options. */
export default new DataSource(dataSourceOptions(loadConfig(), ENTITIES));
