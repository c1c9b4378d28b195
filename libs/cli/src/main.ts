process.stdout.write(`${import.meta.resolve('@taba/common')}\n`);
