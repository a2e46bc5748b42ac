// The public surface of golden-go (the jsii assembly): one barrel per layer. `golden-go/pulumi` and
// the `golden-go` bin are separate entry points outside it.
export * from './core';
export * from './checklist';
export * from './publish';
export * from './policy';
export * from './image';
export * from './service';
