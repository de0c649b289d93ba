import type { Transporter } from 'nodemailer';
import type { TargetType } from '../../domain/targets';
import type { HttpClient } from '../http/client';
import { createDiscordTarget } from './discord';
import { createEmailTarget } from './email';
import { createGa4Target } from './ga4';
import { createHttpTarget } from './http';
import { createSlackTarget } from './slack';
import type { Target } from './target';
import { createTelegramTarget } from './telegram';
import { createTwilioSmsTarget } from './twilio-sms';
import { createUaTarget } from './ua';

export interface TargetDependencies {
  http: HttpClient;
  /** The worker's SMTP transport (SMTP_URL), for email hooks without a server of their own. */
  mailer: Transporter;
  emailFrom: string;
  publicUrl: string;
  allowPrivateTargets: boolean;
}

/** One module per target type (domain/targets.ts lists the types and their shapes). */
export function createTargets({
  http,
  mailer,
  emailFrom,
  publicUrl,
  allowPrivateTargets,
}: TargetDependencies): Record<TargetType, Target> {
  const options = { publicUrl };
  return {
    http: createHttpTarget(http, options),
    ga4: createGa4Target(http, options),
    ua: createUaTarget(http, options),
    email: createEmailTarget({ mailer, defaultFrom: emailFrom, publicUrl, allowPrivateTargets }),
    'twilio-sms': createTwilioSmsTarget(http, options),
    slack: createSlackTarget(http, options),
    discord: createDiscordTarget(http, options),
    telegram: createTelegramTarget(http, options),
  };
}
