#!/usr/bin/env node
// Regenerates the TypeScript types of protos/ into libs/common/src/generated.
// With --check, generates into a scratch folder and fails if the committed files differ.
// NOTE: the flags mirror PROTO_LOADER_OPTIONS in libs/common/src/proto/load.ts; change both together.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const protoRoot = join(root, 'protos');
const target = join(root, 'libs/common/src/generated');
const check = process.argv.includes('--check');

function listFiles(dir, ending) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter(f => f.endsWith(ending) && statSync(join(dir, f)).isFile())
    .sort();
}

function generate(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  const protos = listFiles(protoRoot, '.proto');
  execFileSync(
    join(root, 'node_modules/.bin/proto-loader-gen-types'),
    [
      '--longs=Number',
      '--enums=String',
      '--defaults',
      '--arrays',
      '--oneofs',
      '--grpcLib=@grpc/grpc-js',
      '--includeComments',
      '--importFileExtension=.js',
      '-I',
      '.',
      '-O',
      outDir,
      ...protos,
    ],
    // Relative paths keep the machine's folder out of the generated comments.
    { stdio: 'inherit', cwd: protoRoot },
  );
}

if (!check) {
  generate(target);
  console.log(`generated ${listFiles(target, '.ts').length} files in ${relative(root, target)}`);
} else {
  const scratch = mkdtempSync(join(tmpdir(), 'taba-protos-'));
  try {
    generate(scratch);
    const fresh = listFiles(scratch, '.ts');
    const committed = listFiles(target, '.ts');
    const differing = [...new Set([...fresh, ...committed])].filter(f => {
      if (!fresh.includes(f) || !committed.includes(f)) return true;
      return readFileSync(join(scratch, f), 'utf8') !== readFileSync(join(target, f), 'utf8');
    });
    if (differing.length > 0) {
      console.error(
        `generated proto types are stale; run npm run gen:protos. Differing: ${differing.join(', ')}`,
      );
      process.exit(1);
    }
    console.log(`generated proto types are up to date (${fresh.length} files)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
