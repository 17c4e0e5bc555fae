// Package actor brings the programming model of Ray Core into one Go
// process: a System of logical resources on which actors (stateful
// workers with mailboxes) and tasks (functions) run, returning typed
// futures, with retries, restarts, object refs and actor pools. The other
// compute packages (dataset, boost, the local pipeline engine) schedule
// their work on it.
//
// # Ray concepts and their Go counterparts
//
//	Ray                                        actor
//	-----------------------------------------  ------------------------------------------------------------
//	ray.init(num_cpus, num_gpus, resources)    NewSystem(Config{CPUs, GPUs, Resources})
//	ray.shutdown()                             System.Shutdown(ctx), waits for every goroutine
//	ray.available_resources()                  System.Available(), System.Resources()
//	@ray.remote class, Cls.remote(...)         Spawn(ctx, sys, constructor, Options{...}) -> *Handle[A]
//	actor.method.remote(...)                   Call(h, func(ctx, *A) (T, error)) -> *Future[T]
//	num_cpus, num_gpus, resources              Options/TaskOptions NumCPUs, NumGPUs, Resources
//	max_concurrency                            Options.MaxConcurrency (1 = serial, in order)
//	max_restarts, max_task_retries             Options.MaxRestarts, MaxTaskRetries (-1 = no limit)
//	name=..., ray.get_actor(name)              Options.Name, Lookup[A](sys, name)
//	ray.kill(actor)                            Handle.Kill(); Handle.Done() once stopped
//	@ray.remote def f, f.remote(...)           Go(sys, func(ctx) (R, error), TaskOptions{...}) -> *Future[R]
//	max_retries, retry_exceptions              TaskOptions.MaxRetries, TaskOptions.RetryErrors
//	ObjectRef, ray.get(ref, timeout)           *Future[T], Future.Get(ctx); timeout through ctx
//	ray.cancel(ref)                            cancel the context passed as TaskOptions.Context
//	ray.wait(refs, num_returns, timeout)       Wait(ctx, []Waitable, numReturns, timeout)
//	ray.put(v), ray.get(obj_ref)               Put(sys, v) -> *Ref[T], Ref.Get(), Ref.Release()
//	object store memory in use                 System.PinnedBytes()
//	ray.util.ActorPool(actors)                 NewPool(handles...)
//	pool.map, pool.map_unordered               Map, MapUnordered: iter.Seq2[Out, error]
//	pool.submit, get_next, get_next_unordered  Submit, Next, NextUnordered; Pool.HasNext()
//	RayTaskError, RayActorError                *TaskError, *ActorError (errors.As)
//	ActorDiedError                             ErrActorDied (errors.Is)
//	a worker process crashes                   a panic, recovered as *PanicError with its stack
//	placement groups, runtime_env, namespaces  not applicable in one process
//
// # Resources and admission
//
// A System has a fixed amount of CPU, GPU and custom resources (CPUs
// default to runtime.NumCPU()). Amounts are fractional with Ray's
// precision of 0.0001: four actors of NumCPUs 0.5 fill a 2-CPU system and
// a fifth Spawn waits. Every request (a task about to run, an actor being
// spawned) enters one FIFO queue and is admitted only when it fits, so the
// sum of admitted demands never exceeds the totals and a request is never
// overtaken by a later one: a big request at the head holds back smaller
// ones behind it rather than starving. A demand larger than the totals
// fails at once with ErrUnschedulable instead of waiting forever. A task
// holds its resources while it runs; an actor holds them for its whole
// life. A task's NumCPUs of 0 means Ray's default of 1 (NoCPU asks for
// none); an actor's 0 means none.
//
// Tasks run on pooled worker goroutines: a worker that finishes a task
// takes the next admissible one itself, so a busy System starts no
// goroutine per task. A task blocked on another future still holds its
// resources (unlike Ray, which lends them out while a task waits in
// ray.get), so a task that waits on others should use NoCPU.
//
// # Actors
//
// Spawn waits for the actor's resources, runs its constructor and starts
// its mailbox. With MaxConcurrency 1 calls run one at a time in the order
// Call was invoked; with n > 1 up to n run at once on the same instance.
// A call's context is the actor's: Kill and Shutdown cancel it.
//
// An error a call returns is its result (wrapped in *ActorError); the
// actor lives on. A panic is a crash: the panic becomes a *PanicError
// with the stack; calls queued behind it are kept; the actor is rebuilt
// by its constructor (state starts over) while MaxRestarts allows, and the
// crashed call re-runs on the new instance while its MaxTaskRetries
// allows, otherwise it fails with an error matching ErrActorDied. Calls
// made during a restart wait for it. With no restarts left the actor dies:
// the crashed and all queued calls, and every later call, fail with
// ErrActorDied, carrying the panic as their cause. Kill stops an actor for
// good without restart. A constructor that fails in Spawn is returned by
// Spawn; one that fails during a restart kills the actor.
//
// # Tasks, futures and waiting
//
// Go runs a function as a task; a panic is retried up to MaxRetries times
// (Ray's "worker died"), a returned error only with RetryErrors. The final
// failure is a *TaskError with the attempt count. Cancelling the context
// given as TaskOptions.Context cancels the task; one that has not started
// then never runs. Future.Get waits with a context; ctx ending returns
// ctx's error and leaves the work running. Wait returns the first
// numReturns done futures in input order, or what is done when the timeout
// passes (0 polls, NoTimeout waits for ever).
//
// # Object refs
//
// Put pins a value and returns a *Ref that tasks and actors read without
// copying; the value must be treated as immutable. Its estimated size
// (SizeOf, or the value's own SizeBytes) counts in PinnedBytes until
// Release.
//
// # Pools
//
// A Pool spreads calls over a fixed set of actors. Each actor holds at most
// SetMaxInFlight calls of the pool (1 by default), so submissions wait for
// room: that is the backpressure. Map yields results in input order,
// MapUnordered as they finish; both keep at most twice the pool's capacity
// in flight or buffered. A dead actor is dropped from the rotation, and if
// every actor is dead the pool fails each item with ErrActorDied instead of
// hanging.
//
// # Shutdown
//
// Shutdown fails queued work with ErrShutdown, kills every actor, cancels
// the contexts of running tasks and calls, and waits for every goroutine
// the System started to return.
//
// # Performance
//
// A call costs one allocation (the future and the call share it) and a
// short critical section on the actor's mailbox; a serial actor drains its
// mailbox in batches. Completing a future is one atomic swap unless
// somebody is blocked on it. The figures, beside Ray's published
// microbenchmarks, are in bench/actor.
package actor
