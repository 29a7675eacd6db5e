import cliProgress from 'cli-progress';

/** A progress bar on a terminal; quiet lines otherwise (CI logs). */
export function progressBar(label: string) {
  if (!process.stderr.isTTY) {
    let last = -1;
    return {
      update(done: number, total: number) {
        const pct = Math.floor((done / Math.max(total, 1)) * 10);
        if (pct !== last) {
          last = pct;
          process.stderr.write(`${label}: ${done}/${total}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted}`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
