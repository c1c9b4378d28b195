// Entry point of the `taba` command (bin/taba.mjs runs it from source with tsx).
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2), {
  out: text => {
    process.stdout.write(text);
  },
  err: text => {
    process.stderr.write(text);
  },
  env: process.env,
});
