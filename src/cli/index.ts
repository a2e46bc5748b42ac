// cli: `golden-go audit | publish`: argument parsing and output, nothing else (the bin is cli/cli.js).
// May import: every layer but pulumi.
export { main } from './cli';
