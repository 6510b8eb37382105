import type { Command } from 'commander';
import { readEvidenceBase } from '../../evidence/files.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check data/evidence: schema, arms, provenance documents and that every quote stands in its source')
    .option('--dir <dir>', 'evidence folder (default: data/evidence)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { dir?: string; format: string }) => {
      const base = await readEvidenceBase(opts.dir);
      if (opts.format === 'json') {
        console.log(JSON.stringify({ studies: base.studies.length, problems: base.problems }, null, 2));
      } else {
        for (const p of base.problems) console.log(`${p.file}: ${p.field}: ${p.message}`);
        console.log(
          base.problems.length === 0
            ? `ok: ${base.studies.length} studies valid, every quote found in its source`
            : `${base.problems.length} problem(s); ${base.studies.length} studies valid`,
        );
      }
      if (base.problems.length > 0) process.exitCode = 1;
    });
}
