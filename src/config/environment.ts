import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** A number of proxy hops, or a comma-separated list of addresses, subnets or Express's names. */
const TRUST_PROXY_PATTERN =
  /^(\d{1,2}|(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/\d{1,3})?))*)$/;

/**
 * The process environment as the application accepts it. Each message completes the sentence
 * "<VARIABLE> ..." and never repeats the value, which may be a secret.
 */
export class Environment {
  @IsIn(NODE_ENVS, { message: 'must be development, production or test' })
  NODE_ENV: NodeEnv = 'development';

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 1 to 65535' })
  @Min(1, { message: 'must be a whole number from 1 to 65535' })
  @Max(65535, { message: 'must be a whole number from 1 to 65535' })
  PORT = 3000;

  @Matches(/^[0-9A-Za-z.:-]+$/, { message: 'must be a host name or an IP address' })
  HOST = '0.0.0.0';

  @Matches(/^sqlite:.+$/, { message: 'must be sqlite:PATH, for example sqlite:data/app.db' })
  DATABASE_URL = 'sqlite:data/app.db';

  @IsOptional()
  @Matches(/^[^,]{32,}(,[^,]{32,})*$/, {
    message: 'must be at least 32 characters long (each, when a list is given)',
  })
  SESSION_SECRET?: string;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 4 to 31' })
  @Min(4, { message: 'must be a whole number from 4 to 31' })
  @Max(31, { message: 'must be a whole number from 4 to 31' })
  BCRYPT_COST = 12;

  @IsOptional()
  @Matches(TRUST_PROXY_PATTERN, {
    message:
      'must be a number of proxy hops (such as 1) or a comma-separated list of proxy addresses or subnets',
  })
  TRUST_PROXY?: string;
}
