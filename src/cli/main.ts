// The `regenspine` command. Each sub-command lives in src/cli/commands/ and is a thin adapter over the
// pure modules (src/evidence, src/stats, src/instruments) and the store.
//
// Commands are registered lazily: `regenspine studies` loads the modules of the evidence commands only, not
// the registry, meta-analysis, claim checker or HTTP stack (issue 11: a read command in < 0.5 s; importing
// every command's modules at start cost ≈ 0.45 s of a 0.65 s `studies`, measured 2026-12-01 with
// `regenspine --version`). The bundle (scripts/build.mjs) splits at these dynamic imports. Help, an unknown
// command and no command at all register everything, so commander lists and suggests every command.
import { Command, CommanderError } from 'commander';
import { configureProgram, installProcessHandlers, normaliseArgv, reportError } from './errors.ts';

type Register = (program: Command) => void;

/** Every command module, in help order, with the top-level command names it registers. */
const COMMANDS: { names: readonly string[]; load: () => Promise<Register> }[] = [
  { names: ['validate'], load: async () => (await import('./commands/validate.ts')).registerValidate },
  {
    names: ['studies', 'study', 'export', 'card'],
    load: async () => (await import('./commands/evidence.ts')).registerEvidence,
  },
  { names: ['serve'], load: async () => (await import('./commands/serve.ts')).registerServe },
  { names: ['score'], load: async () => (await import('./commands/score.ts')).registerScore },
  {
    names: ['admin', 'site', 'user', 'token', 'audit'],
    load: async () => (await import('./commands/registry.ts')).registerRegistry,
  },
  { names: ['db'], load: async () => (await import('./commands/db.ts')).registerDb },
  { names: ['meta'], load: async () => (await import('./commands/meta.ts')).registerMeta },
  {
    names: ['import', 'fetch', 'records', 'screen', 'prisma'],
    load: async () => (await import('./commands/literature.ts')).registerLiterature,
  },
  { names: ['sof'], load: async () => (await import('./commands/sof.ts')).registerSof },
  { names: ['check-claims'], load: async () => (await import('./commands/check-claims.ts')).registerCheckClaims },
  { names: ['guide'], load: async () => (await import('./commands/guide.ts')).registerGuide },
  { names: ['analyze'], load: async () => (await import('./commands/analyze.ts')).registerAnalyze },
  { names: ['epro'], load: async () => (await import('./commands/epro.ts')).registerEpro },
  // `export registry` is a sub-command of the evidence `export`, registered after it.
  {
    names: ['export'],
    load: async () => (await import('./commands/registry-export.ts')).registerRegistryExport,
  },
];

/** Every top-level command name (for tests: each one must be registered by its module). */
export const COMMAND_NAMES: readonly string[] = [...new Set(COMMANDS.flatMap((c) => c.names))];

/** The command a command line names: its first word that is not an option; undefined for none. */
function commandOf(args: readonly string[]): string | undefined {
  for (const a of args) {
    if (a === '--') return undefined;
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/**
 * The program with the modules `args` (the words after `regenspine`) needs; every module when args is
 * omitted, names no known command, or asks for help or the version.
 */
export async function buildProgram(args?: readonly string[]): Promise<Command> {
  const program = configureProgram(new Command('regenspine'))
    .description(
      'RegenSpine: the evidence on regenerative therapies for chronic low back pain, and a registry of outcomes',
    )
    .exitOverride();
  const name = args === undefined ? undefined : commandOf(args);
  const wanted = COMMANDS.filter((c) => name !== undefined && c.names.includes(name));
  const versionOnly = name === undefined && args !== undefined && args.some((a) => a === '-V' || a === '--version');
  const modules = versionOnly ? [] : wanted.length > 0 && name !== 'help' ? wanted : COMMANDS;
  const registers = await Promise.all(modules.map((c) => c.load()));
  for (const register of registers) register(program);
  return program;
}

/** For scripts/build.mjs: the embedded templates are written with the bundle's own PGlite. */
export async function writeEmbeddedTemplate(dir: string): Promise<void> {
  const db = await import('../store/db.ts');
  await db.writeEmbeddedTemplate(dir);
}

/** For scripts/build.mjs: the tests' in-memory databases start from this image (src/store/db.ts). */
export async function writeMemoryTemplate(file: string, migratedFile: string): Promise<void> {
  const db = await import('../store/db.ts');
  await db.writeMemoryTemplate(file, migratedFile);
}

export async function main(argv: string[]): Promise<void> {
  installProcessHandlers();
  try {
    const args = normaliseArgv(argv);
    const program = await buildProgram(args.slice(2));
    await program.parseAsync(args);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    process.exitCode = reportError(e);
  }
}
