// Package actor is an in-process take on Ray Core: a System of logical
// resources (fractional CPUs, GPUs, custom resources) on which actors and
// tasks run, with typed futures, retries, restarts and FIFO admission.
//
// The full guide, with the Ray-to-Go concept table, is being written.
package actor
