// Preloaded into the benchmarked app process (`node --import …/app-probe.mjs dist/main.mjs`):
// samples process.memoryUsage() on request over the IPC channel, so a benchmark can tell what
// the app's peak memory is made of, and count the SQL statements its pg driver sends. Plain JavaScript, no loader hooks, a few KB: it does not
// change what it measures. Only active when the process was forked with an IPC channel.
if (process.send) {
  // SQL statements sent by the pg driver (the app's pool shares this module instance)
  let statements = 0;
  // the last statement with parameters (text and values), for a bare-stack floor of the same work
  let last = null;
  const pg = await import('pg').then((m) => m.default).catch(() => null);
  if (pg) {
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (...args) {
      statements += 1;
      if (args[0]?.values?.length) last = args[0];
      return query.apply(this, args);
    };
  }
  const peaks = {};
  let sampler;
  const sample = () => Object.entries(process.memoryUsage()).forEach(([key, value]) => (peaks[key] = Math.max(peaks[key] ?? 0, value)));
  process.on('message', (message) => {
    if (message?.probe === 'memoryStart') {
      for (const key of Object.keys(peaks)) delete peaks[key];
      sample();
      sampler = setInterval(sample, Number(message.intervalMs ?? 50));
      process.send({ probe: 'memoryStart' });
    } else if (message?.probe === 'statements') {
      process.send({ probe: 'statements', count: statements });
    } else if (message?.probe === 'lastStatement') {
      process.send({ probe: 'lastStatement', text: last?.text, values: last?.values });
    } else if (message?.probe === 'memoryReport') {
      sample();
      clearInterval(sampler);
      process.send({ probe: 'memoryReport', peaks });
    }
  });
}
