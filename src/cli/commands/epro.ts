// Questionnaire links from the shell (issue 13 §3): issue a link for a patient-visit, queue the reminders of
// due and overdue visits, and send the outbox by SMTP (REGENSPINE_SMTP_URL, nodemailer's connection URL;
// REGENSPINE_MAIL_FROM). Links are built on REGENSPINE_PUBLIC_URL, the server's public address. Thin
// adapter over src/store/epro.ts; audited as via "cli:<operator>".
import type { Command } from 'commander';
import { issueEproLink, queueReminders, sendOutbox, smtpTransportFromEnv } from '../../store/epro.ts';
import { CLI_ACTOR, listSites, siteIdsByCode } from '../../store/registry-accounts.ts';
import { UserError } from '../errors.ts';
import { withRegistryDb } from '../registry-db.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

function publicUrl(opt: string | undefined): string {
  const url = opt ?? process.env.REGENSPINE_PUBLIC_URL;
  if (!url)
    throw new UserError(
      'set REGENSPINE_PUBLIC_URL (or --public-url) to the address patients open, e.g. https://registry.example.org',
    );
  try {
    return new URL(url).origin;
  } catch {
    throw new UserError(`not a URL: ${url}`);
  }
}

export function registerEpro(program: Command): void {
  const epro = program.command('epro').description('questionnaire links for patients (ePRO) and their reminders');
  epro
    .command('link')
    .description('issue a questionnaire link for one patient-visit (printed once)')
    .requiredOption('--patient <id>', 'the patient (database id, as in the registry pages)')
    .requiredOption('--timepoint <key>', 'baseline, 1m, 3m, 6m, 12m or 24m')
    .option('--hours <n>', 'hours until the link expires (default config/epro.json linkHours)')
    .option('--email <address>', 'also put the invitation in the outbox for this address')
    .option('--public-url <url>', 'the server address patients open (default REGENSPINE_PUBLIC_URL)')
    .action(
      async (opts: { patient: string; timepoint: string; hours?: string; email?: string; publicUrl?: string }) => {
        const baseUrl = publicUrl(opts.publicUrl);
        await withRegistryDb(async (db) => {
          const sites = (await listSites(db)).map((s) => s.id);
          const r = await issueEproLink(
            db,
            { ...CLI_ACTOR, siteIds: sites },
            { patient_id: Number(opts.patient), timepoint: opts.timepoint, hours: opts.hours, email: opts.email },
            { baseUrl },
          );
          console.log(r.url);
          console.error(`expires ${r.expires_at.toISOString()}${r.queued ? '; invitation queued in the outbox' : ''}`);
        });
      },
    );
  epro
    .command('remind')
    .description('queue reminders for open links of due or overdue visits (config/epro.json)')
    .option('--site <code>', 'only this site (repeatable; default every site)', collect, [] as string[])
    .option('--public-url <url>', 'the server address patients open (default REGENSPINE_PUBLIC_URL)')
    .action(async (opts: { site: string[]; publicUrl?: string }) => {
      const baseUrl = publicUrl(opts.publicUrl);
      await withRegistryDb(async (db) => {
        const siteIds = opts.site.length ? await siteIdsByCode(db, opts.site) : (await listSites(db)).map((s) => s.id);
        const r = await queueReminders(db, { ...CLI_ACTOR, siteIds }, { baseUrl });
        console.log(`${r.queued} reminder(s) queued; ${r.addressesErased} address(es) of closed links erased`);
      });
    });
  epro
    .command('send')
    .description('send the outbox by SMTP (REGENSPINE_SMTP_URL, REGENSPINE_MAIL_FROM)')
    .option('--limit <n>', 'at most this many messages', '100')
    .action(async (opts: { limit: string }) => {
      const from = process.env.REGENSPINE_MAIL_FROM;
      if (!process.env.REGENSPINE_SMTP_URL || !from)
        throw new UserError(
          'set REGENSPINE_SMTP_URL (e.g. smtps://user:password@smtp.example.org) and REGENSPINE_MAIL_FROM to send the outbox',
        );
      const transport = await smtpTransportFromEnv();
      await withRegistryDb(async (db) => {
        const r = await sendOutbox(db, transport!, from, { limit: Number(opts.limit) });
        console.log(`${r.sent} sent, ${r.failed} failed`);
        if (r.failed > 0) process.exitCode = 1;
      });
    });
}
