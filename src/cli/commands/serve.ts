import type { Command } from 'commander';
import { openApp } from '../../app.ts';
import { readEvidenceBase } from '../../evidence/files.ts';
import { defaultOpenOptions, describeTarget } from '../../store/db.ts';
import { listStudies } from '../../store/evidence.ts';
import { UserError } from '../errors.ts';
import { readJudgements, readMcids } from './sof.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('load data/evidence into the database and serve the web app and API')
    .option('--port <port>', 'port to listen on', process.env.PORT ?? '3000')
    .option('--host <host>', 'address to listen on', process.env.HOST ?? '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UserError(`--port must be 0–65535 (got "${opts.port}")`);
      // The HTTP stack is loaded here, not at the top: every other command would pay for it at start-up.
      const [{ serve }, { createApp, staticEvidence }] = await Promise.all([
        import('@hono/node-server'),
        import('../../web/server.ts'),
      ]);
      // share: CLI commands (site, user, token …) work while the server holds the embedded database.
      const dbOpts = { ...defaultOpenOptions(), share: true };
      const ctx = await openApp(dbOpts);
      const studies = await listStudies(ctx.db);
      const { inserted, updated, deleted, unchanged } = ctx.load;
      console.log(
        `evidence: ${studies.length} studies in ${describeTarget(dbOpts)} (${inserted.length} new, ${updated.length} updated, ${deleted.length} removed, ${unchanged} unchanged)`,
      );
      const { statements, documents } = await readEvidenceBase();
      const sofInputs = { mcids: await readMcids(), judgements: await readJudgements() };
      const app = createApp(
        { ...staticEvidence(studies, statements, documents), sofInputs: () => sofInputs },
        { db: ctx.db },
      );
      const server = serve({ fetch: app.fetch, port, hostname: opts.host }, (info) => {
        console.log(
          `RegenSpine is running at http://${opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${info.port}/`,
        );
      });
      const stop = async () => {
        server.close();
        await ctx.db.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
