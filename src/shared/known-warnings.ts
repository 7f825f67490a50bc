let silenced = false;

/**
 * kafkajs 2.2.4 arms a timer with a negative delay on each connection (tulios/kafkajs#1751, unfixed upstream), and
 * Node 24 prints a TimeoutNegativeWarning for it: noise, since Node clamps the delay to 1 ms, which is what kafkajs
 * means. Every other warning is printed as before.
 */
export function silenceKafkajsTimeoutWarning(): void {
  // Once per process: the specs' support code runs again for each run against an attached stack.
  if (silenced) return;
  silenced = true;
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    for (const print of printers) print(warning);
  });
}
