// Preloaded by bench.js: prints the process's peak resident memory when it exits.
process.on("exit", () => {
  process.stderr.write(`peak-rss-kib=${process.resourceUsage().maxRSS}\n`);
});
