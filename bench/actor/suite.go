package main

import (
	"context"
	"fmt"

	"github.com/sagepipe/sagepipe/actor"
)

// workload is one figure of Ray's microbenchmark suite, reproduced with the
// same shape. setup builds what the timed part needs (actors, data) on sys
// and returns run, which performs n of the units Ray counts (calls, tasks,
// puts, batches) and may be called repeatedly. big is the length of the
// int64 arrays of the large-object rows; a GB/s row moves 8*big bytes per
// unit.
type workload struct {
	name  string  // Ray's metric name
	ray   float64 // Ray 2.22.0 mean, from release/release_logs/2.22.0/microbenchmark.json
	unit  string  // "/s" or "GB/s"
	note  string  // how the Go shape differs, if at all
	setup func(ctx context.Context, sys *actor.System, big int) (run func(n int) error, err error)
}

// bigLen is the length of the large-object rows' int64 arrays: 100 MiB.
const bigLen = 100 << 20 / 8

type server struct{ calls int }

func newServer(context.Context) (*server, error) { return &server{}, nil }

func ok(context.Context) (string, error) { return "ok", nil }

func serve(_ context.Context, s *server) (string, error) { s.calls++; return "ok", nil }

// getAll waits for every future and returns the first error.
func getAll[T any](ctx context.Context, fs []*actor.Future[T]) error {
	var first error
	for _, f := range fs {
		if _, err := f.Get(ctx); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// batches calls submit(i) for i in [0,n) in batches of size, getting each
// batch before the next (Ray's "submit 1000, get the list" shape).
func batches[T any](ctx context.Context, n, size int, submit func(i int) *actor.Future[T]) error {
	fs := make([]*actor.Future[T], 0, min(n, size))
	for i := 0; i < n; {
		fs = fs[:0]
		for j := 0; j < size && i < n; i, j = i+1, j+1 {
			fs = append(fs, submit(i))
		}
		if err := getAll(ctx, fs); err != nil {
			return err
		}
	}
	return nil
}

func spawnServers(ctx context.Context, sys *actor.System, n int, opts actor.Options) ([]*actor.Handle[server], error) {
	hs := make([]*actor.Handle[server], n)
	for i := range hs {
		h, err := actor.Spawn(ctx, sys, newServer, opts)
		if err != nil {
			return nil, err
		}
		hs[i] = h
	}
	return hs, nil
}

// split divides n units over k clients.
func split(n, k int) []int {
	out := make([]int, k)
	for i := range out {
		out[i] = n / k
		if i < n%k {
			out[i]++
		}
	}
	return out
}

// onClients runs body(share) on k client actors (as Ray's multi-client rows
// do) and waits for all.
func onClients(ctx context.Context, sys *actor.System, clients []*actor.Handle[server], n int, body func(ctx context.Context, c, share int) error) error {
	fs := make([]*actor.Future[int], len(clients))
	for c, share := range split(n, len(clients)) {
		fs[c] = actor.Call(clients[c], func(ctx context.Context, _ *server) (int, error) { return 0, body(ctx, c, share) })
	}
	return getAll(ctx, fs)
}

var suite = []workload{
	{name: "single_client_tasks_sync", ray: 971, unit: "/s",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			return func(n int) error {
				for range n {
					if _, err := actor.Go(context.Background(), sys, ok, actor.TaskOptions{}).Get(ctx); err != nil {
						return err
					}
				}
				return nil
			}, nil
		}},
	{name: "single_client_tasks_async", ray: 8194, unit: "/s",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			return func(n int) error {
				return batches(ctx, n, 1000, func(int) *actor.Future[string] { return actor.Go(context.Background(), sys, ok, actor.TaskOptions{}) })
			}, nil
		}},
	{name: "multi_client_tasks_async", ray: 21744, unit: "/s", note: "4 client actors, batches of 10 000",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			clients, err := spawnServers(ctx, sys, 4, actor.Options{})
			if err != nil {
				return nil, err
			}
			return func(n int) error {
				return onClients(ctx, sys, clients, n, func(ctx context.Context, _, share int) error {
					return batches(ctx, share, 10000, func(int) *actor.Future[string] { return actor.Go(context.Background(), sys, ok, actor.TaskOptions{}) })
				})
			}, nil
		}},
	{name: "single_client_tasks_and_get_batch", ray: 8.14, unit: "/s", note: "unit: a batch of 1000 tasks",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			return func(n int) error {
				for range n {
					if err := batches(ctx, 1000, 1000, func(int) *actor.Future[string] { return actor.Go(context.Background(), sys, ok, actor.TaskOptions{}) }); err != nil {
						return err
					}
				}
				return nil
			}, nil
		}},
	{name: "1_1_actor_calls_sync", ray: 2096, unit: "/s",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			hs, err := spawnServers(ctx, sys, 1, actor.Options{})
			if err != nil {
				return nil, err
			}
			return func(n int) error {
				for range n {
					if _, err := actor.Call(hs[0], serve).Get(ctx); err != nil {
						return err
					}
				}
				return nil
			}, nil
		}},
	{name: "1_1_actor_calls_async", ray: 9063, unit: "/s",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			hs, err := spawnServers(ctx, sys, 1, actor.Options{})
			if err != nil {
				return nil, err
			}
			return func(n int) error {
				return batches(ctx, n, 1000, func(int) *actor.Future[string] { return actor.Call(hs[0], serve) })
			}, nil
		}},
	{name: "1_1_actor_calls_concurrent", ray: 5480, unit: "/s", note: "MaxConcurrency 16",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			hs, err := spawnServers(ctx, sys, 1, actor.Options{MaxConcurrency: 16})
			if err != nil {
				return nil, err
			}
			noop := func(context.Context, *server) (string, error) { return "ok", nil }
			return func(n int) error {
				return batches(ctx, n, 1000, func(int) *actor.Future[string] { return actor.Call(hs[0], noop) })
			}, nil
		}},
	{name: "1_n_actor_calls_async", ray: 8606, unit: "/s", note: "1 client actor, 32 servers, batches of 5000 per server",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			servers, err := spawnServers(ctx, sys, 32, actor.Options{})
			if err != nil {
				return nil, err
			}
			clients, err := spawnServers(ctx, sys, 1, actor.Options{})
			if err != nil {
				return nil, err
			}
			return func(n int) error {
				return onClients(ctx, sys, clients, n, func(ctx context.Context, _, share int) error {
					return batches(ctx, share, 5000*len(servers), func(i int) *actor.Future[string] { return actor.Call(servers[i%len(servers)], serve) })
				})
			}, nil
		}},
	{name: "n_n_actor_calls_async", ray: 27688, unit: "/s", note: "4 client tasks, 32 servers",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			servers, err := spawnServers(ctx, sys, 32, actor.Options{})
			if err != nil {
				return nil, err
			}
			return func(n int) error {
				var fs []*actor.Future[int]
				for c, share := range split(n, 4) {
					fs = append(fs, actor.Go(context.Background(), sys, func(ctx context.Context) (int, error) {
						return 0, batches(ctx, share, 5000, func(i int) *actor.Future[string] {
							return actor.Call(servers[(i+c)%len(servers)], serve)
						})
					}, actor.TaskOptions{NumCPUs: actor.NoCPU}))
				}
				return getAll(ctx, fs)
			}, nil
		}},
	{name: "n_n_actor_calls_with_arg_async", ray: 2714, unit: "/s", note: "32 clients each with its own server, a Put ref as argument",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			servers, err := spawnServers(ctx, sys, 32, actor.Options{})
			if err != nil {
				return nil, err
			}
			clients, err := spawnServers(ctx, sys, 32, actor.Options{})
			if err != nil {
				return nil, err
			}
			return func(n int) error {
				return onClients(ctx, sys, clients, n, func(ctx context.Context, c, share int) error {
					arg := actor.Put(sys, 0)
					defer arg.Release()
					return batches(ctx, share, 1000, func(int) *actor.Future[int] {
						return actor.Call(servers[c], func(_ context.Context, s *server) (int, error) { s.calls++; return arg.Get(), nil })
					})
				})
			}, nil
		}},
	{name: "single_client_get_calls_Plasma_Store", ray: 10270, unit: "/s", note: "Ref.Get of a small value",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			r := actor.Put(sys, 0)
			return func(n int) error {
				s := 0
				for range n {
					s += r.Get()
				}
				if s != 0 {
					return fmt.Errorf("bad value")
				}
				return nil
			}, nil
		}},
	{name: "single_client_put_calls_Plasma_Store", ray: 5196, unit: "/s", note: "Put + Release of the int 0",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			return func(n int) error {
				for range n {
					actor.Put(sys, 0).Release()
				}
				return nil
			}, nil
		}},
	{name: "multi_client_put_calls_Plasma_Store", ray: 12873, unit: "/s", note: "10 tasks x 100 puts per round",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			return func(n int) error {
				for n > 0 {
					round := min(n, 1000)
					var fs []*actor.Future[int]
					for _, share := range split(round, 10) {
						fs = append(fs, actor.Go(context.Background(), sys, func(context.Context) (int, error) {
							for range share {
								actor.Put(sys, 0).Release()
							}
							return share, nil
						}, actor.TaskOptions{}))
					}
					if err := getAll(ctx, fs); err != nil {
						return err
					}
					n -= round
				}
				return nil
			}, nil
		}},
	{name: "single_client_put_gigabytes", ray: 20.1, unit: "GB/s", note: "copy-in: copy a 100 MiB array into store memory, then Put (Ray: 800 MiB)",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			src := make([]int64, big)
			store := make([]int64, big)
			copy(store, src) // fault the pages in, as Ray's pre-mapped object store is
			return func(n int) error {
				for range n {
					copy(store, src)
					actor.Put(sys, store).Release()
				}
				return nil
			}, nil
		}},
	{name: "single_client_put_gigabytes (handoff)", ray: 20.1e9 / (bigLen * 8), unit: "/s", note: "Put of a 100 MiB array without copying, in puts/s; Ray: 20.1 GB/s as 100 MiB puts/s",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			src := make([]int64, big)
			return func(n int) error {
				for range n {
					actor.Put(sys, src).Release()
				}
				return nil
			}, nil
		}},
	{name: "get_100MiB_object (handoff)", ray: 3.6e9 / (bigLen * 8), unit: "/s", note: "Ref.Get of a 100 MiB array, in gets/s; Ray: 3.6 GB/s single-node large-object read (perf_metrics/scalability) as 100 MiB gets/s",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			r := actor.Put(sys, make([]int64, big))
			return func(n int) error {
				s := int64(0)
				for range n {
					s += r.Get()[n%big]
				}
				if s != 0 {
					return fmt.Errorf("bad value")
				}
				return nil
			}, nil
		}},
	{name: "get_100MiB_object (copy-out)", ray: 3.6, unit: "GB/s", note: "Ref.Get then copy the 100 MiB into a private buffer; Ray: 3.6 GB/s large-object read",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			r := actor.Put(sys, make([]int64, big))
			dst := make([]int64, big)
			copy(dst, r.Get())
			return func(n int) error {
				for range n {
					copy(dst, r.Get())
				}
				return nil
			}, nil
		}},
	{name: "multi_client_put_gigabytes", ray: 35.9, unit: "GB/s", note: "10 tasks copy-in Puts of 100 MiB into store memory (Ray: 10 x 10 x 80 MiB)",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			src := make([]int64, big)
			stores := make([][]int64, 10)
			for i := range stores {
				stores[i] = make([]int64, big)
				copy(stores[i], src)
			}
			return func(n int) error {
				var fs []*actor.Future[int]
				for c, share := range split(n, 10) {
					fs = append(fs, actor.Go(context.Background(), sys, func(context.Context) (int, error) {
						for range share {
							copy(stores[c], src)
							actor.Put(sys, stores[c]).Release()
						}
						return share, nil
					}, actor.TaskOptions{}))
				}
				return getAll(ctx, fs)
			}, nil
		}},
	{name: "single_client_get_object_containing_10k_refs", ray: 13.3, unit: "/s", note: "Get of a Ref holding 10 000 Refs, touching each",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			inner := make([]*actor.Ref[int], 10000)
			for i := range inner {
				inner[i] = actor.Put(sys, i)
			}
			outer := actor.Put(sys, inner)
			return func(n int) error {
				for range n {
					s := 0
					for _, r := range outer.Get() {
						s += r.Get()
					}
					if s != 10000*9999/2 {
						return fmt.Errorf("bad sum %d", s)
					}
				}
				return nil
			}, nil
		}},
	{name: "single_client_wait_1k_refs", ray: 5.01, unit: "/s", note: "unit: 1000 tasks waited out one at a time",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			return func(n int) error {
				for range n {
					pending := make([]actor.Waitable, 1000)
					for i := range pending {
						pending[i] = actor.Go(context.Background(), sys, ok, actor.TaskOptions{})
					}
					for len(pending) > 0 {
						ready, rest, err := actor.Wait(ctx, pending, 1, actor.NoTimeout)
						if err != nil || len(ready) != 1 {
							return fmt.Errorf("wait: %d ready, %v", len(ready), err)
						}
						pending = rest
					}
				}
				return nil
			}, nil
		}},
	{name: "placement_group_create/removal", ray: 839, unit: "/s", note: "rounds of 100 one-bundle groups of 0.001 CPU (Ray: 0.001 of a custom resource): create all, wait each, remove each",
		setup: func(ctx context.Context, sys *actor.System, big int) (func(int) error, error) {
			bundles := []actor.Bundle{{NumCPUs: 0.001}}
			pgs := make([]*actor.PlacementGroup, 0, 100)
			return func(n int) error {
				for n > 0 {
					k := min(n, 100)
					n -= k
					pgs = pgs[:0]
					for range k {
						pg, err := actor.NewPlacementGroup(sys, bundles, actor.PlacementGroupOptions{})
						if err != nil {
							return err
						}
						pgs = append(pgs, pg)
					}
					for _, pg := range pgs {
						if err := pg.Wait(ctx); err != nil {
							return err
						}
					}
					for _, pg := range pgs {
						pg.Remove()
					}
				}
				return nil
			}, nil
		}},
}
