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
//	get_if_exists=True                         Options.GetIfExists
//	max_pending_calls                          Options.MaxPendingCalls, ErrPendingCallsLimit
//	ray.kill(actor)                            Handle.Kill(); Handle.Done() once stopped
//	@ray.remote def f, f.remote(...)           Go(ctx, sys, func(ctx) (R, error), TaskOptions{...}) -> *Future[R]
//	max_retries, retry_exceptions              TaskOptions.MaxRetries, TaskOptions.RetryErrors
//	ObjectRef, ray.get(ref, timeout)           *Future[T], Future.Get(ctx); timeout through ctx
//	ray.cancel(ref)                            cancel the ctx given to Go (a queued task leaves at once)
//	blocked worker releases its CPU            Future.Get, GetAll, Wait, pool waits, Block(ctx, wait)
//	(fair scheduling across submitters)        TaskOptions.Group, Options.Group: groups take turns
//	ray.get([ref, ...])                        GetAll(ctx, futures)
//	ray.wait(refs, num_returns, timeout)       Wait(ctx, Waitables(futures), numReturns, timeout)
//	ray.put(v), ray.get(obj_ref)               Put(sys, v) -> *Ref[T], Ref.Get(), Ref.Release()
//	object store memory in use                 System.PinnedBytes()
//	ray.util.ActorPool(actors)                 NewPool(handles...)
//	pool.map, pool.map_unordered               Map, MapUnordered: iter.Seq2[Out, error]
//	pool.submit, get_next, get_next_unordered  Submit, Next, NextUnordered; Pool.HasNext()
//	RayTaskError, RayActorError                *TaskError, *ActorError (errors.As)
//	ActorDiedError                             ErrActorDied (errors.Is)
//	a worker process crashes                   a panic, recovered as *PanicError with its stack
//	infeasible resource request                ErrInfeasible at once (ErrUnschedulable is the same error)
//	ray.util.placement_group(bundles, strat.)  NewPlacementGroup(sys, []Bundle, PlacementGroupOptions{Strategy})
//	pg.ready(), pg.wait(timeout)               PlacementGroup.Ready(), PlacementGroup.Wait(ctx)
//	remove_placement_group(pg)                 PlacementGroup.Remove()
//	PlacementGroupSchedulingStrategy(pg, i)    Options/TaskOptions.Placement: pg.Bundle(i), AnyBundle
//	PACK, SPREAD, STRICT_PACK, STRICT_SPREAD   Pack, Spread, StrictPack, StrictSpread (one node: see below)
//	runtime_env, namespaces, node affinity     not applicable in one process
//
// # Resources and admission
//
// A System has a fixed amount of CPU, GPU and custom resources (CPUs
// default to runtime.NumCPU()). Amounts are fractional with Ray's
// precision of 0.0001: four actors of NumCPUs 0.5 fill a 2-CPU system and
// a fifth Spawn waits. A task holds its resources while it runs; an actor
// holds them for its whole life. A task's NumCPUs of 0 means Ray's default
// of 1 (NoCPU asks for none); an actor's 0 means none.
//
// A demand the System can never satisfy (more of a resource than it has
// in total, a resource it does not have, a placement group whose bundles
// together exceed the totals) fails at once with ErrInfeasible, naming the
// demand and the capacity, instead of waiting forever: from Spawn, from a
// task's future, and from NewPlacementGroup.
//
// Every other request (a task about to run, an actor being spawned, a
// placement group's reservation) waits in its admission group
// (TaskOptions.Group, Options.Group, PlacementGroupOptions.Group; one
// default group) and, within the group, in the FIFO queue of its demand
// class (the requests asking for the same amounts, for a task's time or
// for long). The sum of admitted demands never exceeds the totals, except
// for the over-subscription described below. Admission is fair and never
// holds back what fits:
//
//   - Groups with waiting requests take turns, one admission each, so a
//     burst of a thousand tasks from one submitter does not hold back
//     another submitter's task; a group whose next request does not fit
//     keeps its turn.
//   - Within a group, requests are considered in submission order; within
//     a demand class, none is ever overtaken.
//   - A request that does not fit reserves every resource it asks for:
//     no request considered after it may take any of those (CPU, GPU, a
//     custom resource), so what it waits for can only accumulate and a
//     large demand is never starved by a stream of small ones.
//   - A request that asks for none of the reserved resources is admitted
//     as soon as it fits, whatever waits before it: a NoCPU task never
//     waits behind a task that needs CPU, a GPU task never waits behind a
//     CPU-bound one.
//
// # Blocked work lends its CPU
//
// A task or actor call that blocks (Future.Get, GetAll or Wait on work not
// done yet, a Pool's Map, MapUnordered, Submit or Next waiting, a
// PlacementGroup's Wait, or any wait wrapped in Block) with the context
// the System gave it, or one derived from it, lends its CPU back while it
// waits, as Ray does for a worker blocked in ray.get (like Ray, GPU and
// custom resources stay held). So a task that waits on subtasks cannot
// deadlock a small System, and nested tasks (a task whose subtasks wait on
// their own subtasks) run on one CPU. A task lends at its first blocked
// wait and takes back at the end of its last; an actor lends while every
// call it is running is blocked and takes back as soon as one goes on or
// a new call starts. Waits with other contexts (the caller's own) lend
// nothing.
//
// Taking the CPU back never waits, so a woken task can never hang on its
// own CPU: it takes the CPU at once, ahead of every queued request, even
// when tasks admitted meanwhile still use it; the System is then over its
// totals (Available may show negative CPU) and admits nothing that needs
// CPU until those tasks finish. Lent CPU is used only by tasks: actors and
// placement groups, which hold resources for long, are admitted only from
// CPU nobody has lent, so a blocked task's CPU is never taken for the life
// of an actor spawned meanwhile (which could starve the very work the
// task waits on). CPU a finished task gives back is owed to the lenders
// first. Tasks run on pooled worker goroutines: a worker that finishes a
// task takes the next admissible one itself, so a busy System starts no
// goroutine per task.
//
// # Placement groups
//
// A placement group reserves bundles of resources as one gang, as in Ray:
// NewPlacementGroup queues one request for the sum of its bundles, which
// is admitted whole or not at all, so jobs of several actors (distributed
// training, tuning trials) never hold part of what they need while waiting
// for the rest, and a waiting group holds nothing. Wait waits until it is
// ready; Remove frees every bundle (work queued in it fails with
// ErrPlacementGroupRemoved, its actors are killed, its running tasks see
// their context cancelled) or withdraws a reservation still waiting.
// Actors and tasks with Options.Placement / TaskOptions.Placement draw on
// their bundle's reservation instead of the System's, with the same
// admission rules inside the bundle (a demand larger than the bundle is
// infeasible). One process is one node, so PACK, SPREAD (best effort in
// Ray) and STRICT_PACK place every bundle here and STRICT_SPREAD, which
// needs a node per bundle, accepts only one bundle.
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
// failure is a *TaskError with the attempt count. The context given to Go
// is the task's: when it ends before the task is admitted, the task leaves
// the queue at once (holding nothing back) and its future fails with a
// *TaskError wrapping the context's error; a running task sees it end
// through its own context. Future.Get waits with a context; ctx ending
// returns ctx's error and leaves the work running. Wait returns the first
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
// Shutdown fails queued work (placement-group reservations and work queued
// in bundles included) with ErrShutdown, kills every actor, cancels the
// contexts of running tasks and calls, and waits for every goroutine the
// System started to return.
//
// # Performance
//
// A call costs one allocation (the future and the call share it) and a
// short critical section on the actor's mailbox; a serial actor drains its
// mailbox in batches. Completing a future is one atomic swap unless
// somebody is blocked on it. The figures, beside Ray's published
// microbenchmarks, are in bench/actor.
package actor
