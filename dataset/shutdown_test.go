package dataset

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/actor"
)

// TestShutdownDuringRunIsErrShutdown shuts the System down while each
// consumer runs a slow map: the consumer fails with actor.ErrShutdown, not
// with the cancellation of the contexts the System handed its tasks.
func TestShutdownDuringRunIsErrShutdown(t *testing.T) {
	for _, c := range consumers(t.TempDir()) {
		t.Run(c.name, func(t *testing.T) {
			s, err := actor.NewSystem(actor.Config{CPUs: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Shutdown(context.Background()) //nolint:errcheck // shut down below
			started := make(chan struct{}, 1)
			d := Range(s, 20_000, Options{BlockRows: 100}).MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
				select {
				case started <- struct{}{}:
				default:
				}
				select {
				case <-ctx.Done():
					return nil, ctx.Err()
				case <-time.After(5 * time.Millisecond):
				}
				x := make([]float64, b.NumRows())
				return b.WithColumn("x", NewFloat64Column(x, nil))
			}, BatchOptions{})
			go func() {
				<-started
				s.Shutdown(context.Background()) //nolint:errcheck // the consumer reports
			}()
			within(t, 20*time.Second, func() error {
				err := c.run(context.Background(), d)
				if !errors.Is(err, actor.ErrShutdown) {
					return fmt.Errorf("err = %v, want ErrShutdown", err)
				}
				return nil
			})
		})
	}
}
