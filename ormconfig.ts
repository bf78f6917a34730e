import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

/** The DataSource of the TypeORM CLI (`npm run typeorm ...`), built from the app's own options. */
export default new DataSource(dataSourceOptions(loadConfig()));
