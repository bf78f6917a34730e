import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Health, HealthService, Readiness } from './health.service';

/**
 * What monitors and orchestrators ask: `/livez` whether the process serves at all (restart it
 * when not), `/readyz` whether it can serve requests now (send it traffic only then), and
 * `/healthz`, the dependencies alone, for load balancers and monitors.
 */
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 when every dependency answers, 503 otherwise. */
  @Get('healthz')
  async check(@Res({ passthrough: true }) res: Response): Promise<Health> {
    return answered(res, await this.health.check());
  }

  /** 200 as long as the process answers requests: it checks nothing else. */
  @Get('livez')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when the dependencies answer and the database has every migration; 503 otherwise. */
  @Get('readyz')
  async ready(@Res({ passthrough: true }) res: Response): Promise<Readiness> {
    return answered(res, await this.health.ready());
  }
}

function answered<Answer extends Health>(res: Response, answer: Answer): Answer {
  res.status(answer.status === 'ok' ? 200 : 503);
  return answer;
}
