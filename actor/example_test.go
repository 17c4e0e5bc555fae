package actor_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sagepipe/sagepipe/actor"
)

// Counter is a stateful actor: its calls run one at a time, in order.
type Counter struct{ n int }

func ExampleSpawn() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{CPUs: 2})
	defer sys.Shutdown(ctx)

	h, err := actor.Spawn(ctx, sys, func(context.Context) (*Counter, error) {
		return &Counter{}, nil
	}, actor.Options{Name: "counter", NumCPUs: 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	incr := func(_ context.Context, c *Counter) (int, error) { c.n++; return c.n, nil }
	var last *actor.Future[int]
	for range 10 {
		last = actor.Call(h, incr) // does not wait
	}
	n, _ := last.Get(ctx)
	fmt.Println("count:", n)

	same, _ := actor.Lookup[Counter](sys, "counter")
	n, _ = actor.Call(same, incr).Get(ctx)
	fmt.Println("via name:", n)
	fmt.Println("CPU left:", sys.Available()["CPU"])
	// Output:
	// count: 10
	// via name: 11
	// CPU left: 1.5
}

func ExampleGo() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{CPUs: 2})
	defer sys.Shutdown(ctx)

	// A large read-only value shared by every task without copying.
	data := actor.Put(sys, []float64{1, 2, 3, 4, 5, 6, 7, 8})
	fmt.Println("pinned bytes:", sys.PinnedBytes())

	var parts []*actor.Future[float64]
	for i := range 4 {
		parts = append(parts, actor.Go(context.Background(), sys, func(context.Context) (float64, error) {
			xs := data.Get()[2*i : 2*i+2]
			return xs[0] + xs[1], nil
		}, actor.TaskOptions{NumCPUs: 0.5}))
	}
	sums, _ := actor.GetAll(ctx, parts) // like ray.get on a list
	total := 0.0
	for _, v := range sums {
		total += v
	}
	data.Release()
	fmt.Println("sum:", total, "pinned after release:", sys.PinnedBytes())

	// A task that panics is retried up to MaxRetries times.
	attempts := 0
	_, err := actor.Go(context.Background(), sys, func(context.Context) (int, error) {
		attempts++
		panic("worker lost")
	}, actor.TaskOptions{Name: "flaky", MaxRetries: 2}).Get(ctx)
	var te *actor.TaskError
	fmt.Println(errors.As(err, &te), te.Attempts, attempts)
	// Output:
	// pinned bytes: 88
	// sum: 36 pinned after release: 0
	// true 3 3
}

func ExampleWait() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{CPUs: 3})
	defer sys.Shutdown(ctx)

	release := make(chan struct{})
	slow := actor.Go(context.Background(), sys, func(context.Context) (string, error) { <-release; return "slow", nil }, actor.TaskOptions{})
	fast := actor.Go(context.Background(), sys, func(context.Context) (string, error) { return "fast", nil }, actor.TaskOptions{})
	futures := []actor.Waitable{slow, fast}

	ready, notReady, _ := actor.Wait(ctx, futures, 1, time.Second)
	fmt.Println(len(ready), len(notReady), ready[0] == actor.Waitable(fast))

	// Asking for both times out and returns the one that is ready.
	ready, _, _ = actor.Wait(ctx, futures, 2, 10*time.Millisecond)
	fmt.Println("ready after timeout:", len(ready))
	close(release)
	ready, _, _ = actor.Wait(ctx, futures, 2, actor.NoTimeout)
	fmt.Println("ready at the end:", len(ready))
	// Output:
	// 1 1 true
	// ready after timeout: 1
	// ready at the end: 2
}

type Tokenizer struct{ prefix string }

func ExampleMap() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{CPUs: 2})
	defer sys.Shutdown(ctx)

	var hs []*actor.Handle[Tokenizer]
	for i := range 4 {
		h, _ := actor.Spawn(ctx, sys, func(context.Context) (*Tokenizer, error) {
			return &Tokenizer{prefix: "tok"}, nil
		}, actor.Options{NumCPUs: 0.5, Name: fmt.Sprint("tokenizer-", i)})
		hs = append(hs, h)
	}
	pool := actor.NewPool(hs...)
	words := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta"}
	tag := func(_ context.Context, t *Tokenizer, w string) (string, error) { return t.prefix + ":" + w, nil }

	var ordered []string
	for v, err := range actor.Map(ctx, pool, words, tag) {
		if err != nil {
			fmt.Println(err)
			return
		}
		ordered = append(ordered, v)
	}
	fmt.Println(ordered)

	var unordered []string
	for v, _ := range actor.MapUnordered(ctx, pool, words[:3], tag) {
		unordered = append(unordered, v)
	}
	slices.Sort(unordered)
	fmt.Println(unordered)
	// Output:
	// [tok:alpha tok:beta tok:gamma tok:delta tok:epsilon tok:zeta]
	// [tok:alpha tok:beta tok:gamma]
}

// Example_restart shows a crashing actor rebuilt by its constructor: its
// state starts over, and the interrupted call re-runs on the new instance.
func Example_restart() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{CPUs: 1})
	defer sys.Shutdown(ctx)

	builds := 0
	h, _ := actor.Spawn(ctx, sys, func(context.Context) (*Counter, error) {
		builds++
		return &Counter{n: 100}, nil
	}, actor.Options{MaxRestarts: 1, MaxTaskRetries: 1})

	actor.Call(h, func(_ context.Context, c *Counter) (int, error) { c.n += 5; return c.n, nil })
	crashed := false
	v, err := actor.Call(h, func(_ context.Context, c *Counter) (int, error) {
		if !crashed {
			crashed = true
			panic("corrupt state")
		}
		c.n++
		return c.n, nil
	}).Get(ctx)
	fmt.Println(v, err, "builds:", builds, "restarts:", h.Restarts())

	// No restarts left: the next crash kills the actor for good.
	_, err = actor.Call(h, func(context.Context, *Counter) (int, error) { panic("again") }).Get(ctx)
	var pe *actor.PanicError
	fmt.Println(errors.Is(err, actor.ErrActorDied), errors.As(err, &pe), pe.Value)
	_, err = actor.Call(h, func(_ context.Context, c *Counter) (int, error) { return c.n, nil }).Get(ctx)
	fmt.Println(errors.Is(err, actor.ErrActorDied))
	// Output:
	// 101 <nil> builds: 2 restarts: 1
	// true true again
	// true
}

// Submit and Next drive a pool by hand, like ActorPool.submit and
// get_next: results come back in submission order.
func ExampleSubmit() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{CPUs: 2})
	defer sys.Shutdown(ctx)

	var hs []*actor.Handle[Counter]
	for range 2 {
		h, _ := actor.Spawn(ctx, sys, func(context.Context) (*Counter, error) { return &Counter{}, nil }, actor.Options{NumCPUs: 1})
		hs = append(hs, h)
	}
	pool := actor.NewPool(hs...)
	square := func(_ context.Context, _ *Counter, x int) (int, error) { return x * x, nil }
	for _, x := range []int{3, 4, 5} {
		if err := actor.Submit(ctx, pool, square, x); err != nil {
			fmt.Println(err)
			return
		}
	}
	for pool.HasNext() {
		v, err := actor.Next[int](ctx, pool)
		fmt.Println(v, err)
	}
	_, err := actor.Next[int](ctx, pool)
	fmt.Println(errors.Is(err, actor.ErrNoPending))
	// Output:
	// 9 <nil>
	// 16 <nil>
	// 25 <nil>
	// true
}

// Kill stops an actor for good: later calls fail with ErrActorDied and
// ErrKilled, and its resources come back once Done is closed.
func ExampleHandle_Kill() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{CPUs: 1})
	defer sys.Shutdown(ctx)

	h, _ := actor.Spawn(ctx, sys, func(context.Context) (*Counter, error) { return &Counter{}, nil }, actor.Options{NumCPUs: 1})
	fmt.Println("CPU while alive:", sys.Available()["CPU"])
	h.Kill()
	<-h.Done()
	_, err := actor.Call(h, func(_ context.Context, c *Counter) (int, error) { return c.n, nil }).Get(ctx)
	fmt.Println(h.Alive(), errors.Is(err, actor.ErrActorDied), errors.Is(err, actor.ErrKilled))
	fmt.Println("CPU after Done:", sys.Available()["CPU"])
	// Output:
	// CPU while alive: 0
	// false true true
	// CPU after Done: 1
}

// A placement group reserves a gang of bundles at once; actors placed in
// it draw on its bundles.
func ExampleNewPlacementGroup() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{CPUs: 2})
	defer sys.Shutdown(ctx)

	bundles := []actor.Bundle{{NumCPUs: 0.5}, {NumCPUs: 0.5}, {NumCPUs: 0.5}}
	pg, err := actor.NewPlacementGroup(sys, bundles, actor.PlacementGroupOptions{Name: "train", Strategy: actor.Pack})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := pg.Wait(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("CPU left after the reservation:", sys.Available()["CPU"])
	for i := range bundles {
		if _, err := actor.Spawn(ctx, sys, func(context.Context) (*Counter, error) { return &Counter{}, nil },
			actor.Options{NumCPUs: 0.5, Placement: pg.Bundle(i)}); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println("CPU left with the actors:", sys.Available()["CPU"])

	// A gang that can never fit fails at once.
	_, err = actor.NewPlacementGroup(sys, []actor.Bundle{{NumCPUs: 2}, {NumCPUs: 1}}, actor.PlacementGroupOptions{Name: "huge"})
	fmt.Println(errors.Is(err, actor.ErrInfeasible))

	pg.Remove() // kills the actors and frees every bundle
	for sys.Available()["CPU"] != 2 {
		time.Sleep(time.Millisecond)
	}
	fmt.Println("CPU left after Remove:", sys.Available()["CPU"])
	// Output:
	// CPU left after the reservation: 0.5
	// CPU left with the actors: 0.5
	// true
	// CPU left after Remove: 2
}

// A task that waits on its subtasks lends its CPU meanwhile, so nested
// tasks run even on one CPU. Block does the same for any other wait.
func ExampleBlock() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{CPUs: 1})
	defer sys.Shutdown(ctx)

	ready := make(chan int, 1)
	parent := actor.Go(ctx, sys, func(ctx context.Context) (int, error) {
		// The subtask needs the parent's CPU: Get lends it.
		sub, err := actor.Go(ctx, sys, func(context.Context) (int, error) { return 20, nil }, actor.TaskOptions{}).Get(ctx)
		if err != nil {
			return 0, err
		}
		// Any other wait lends the CPU through Block.
		actor.Go(ctx, sys, func(context.Context) (int, error) { ready <- 22; return 0, nil }, actor.TaskOptions{})
		var v int
		err = actor.Block(ctx, func() error {
			v = <-ready
			return nil
		})
		return sub + v, err
	}, actor.TaskOptions{})
	v, err := parent.Get(ctx)
	fmt.Println(v, err)
	// Output:
	// 42 <nil>
}
