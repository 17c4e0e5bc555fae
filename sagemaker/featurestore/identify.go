package featurestore

import (
	"context"
	"fmt"
	"time"

	"github.com/sagepipe/sagepipe/dataset"
)

// Identify returns ds with two columns added, as the seed's ingestion adds
// them before writing: idName numbering the rows from 0 (Integral) and
// eventName holding eventTime as epoch seconds (Fractional). A fixed event
// time makes a re-run of the ingestion write the same records. It reads
// ds once, in order.
func Identify(ctx context.Context, ds *dataset.Dataset, idName, eventName string, eventTime time.Time) (*dataset.Dataset, error) {
	et := float64(eventTime.UnixNano()) / 1e9
	var blocks []*dataset.Block
	next := int64(0)
	for b, err := range ds.Blocks(ctx) {
		if err != nil {
			return nil, fmt.Errorf("featurestore: identify rows: %w", err)
		}
		ids := make([]int64, b.NumRows())
		ets := make([]float64, b.NumRows())
		for i := range ids {
			ids[i], ets[i] = next, et
			next++
		}
		b, err = b.WithColumn(idName, dataset.NewInt64Column(ids, nil))
		if err == nil {
			b, err = b.WithColumn(eventName, dataset.NewFloat64Column(ets, nil))
		}
		if err != nil {
			return nil, fmt.Errorf("featurestore: identify rows: %w", err)
		}
		blocks = append(blocks, b)
	}
	return dataset.FromBlocks(nil, blocks, ds.Options())
}
