import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cluster from 'node:cluster';
import { NestExpressApplication } from '@nestjs/platform-express';

/**
 * The baseline: a bare NestJS app on Express that answers "hello". Every figure of the bench is
 * also a ratio to it, measured on the same machine in the same run. With WORKERS=2 it runs as
 * the app does, two processes on one port (node:cluster): what two workers can gain on this
 * machine, with the load generator on the same cores, when each request costs next to nothing.
 */
@Controller()
class HelloController {
  @Get()
  hello(): string {
    return 'hello';
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(HelloModule, {
    logger: ['error', 'warn'],
  });
  await app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
}

const workers = Number(process.env.WORKERS ?? 1);
if (cluster.isPrimary && workers > 1) {
  for (let worker = 0; worker < workers; worker++) {
    cluster.fork();
  }
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
