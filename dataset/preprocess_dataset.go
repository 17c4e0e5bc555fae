package dataset

import (
	"context"
	"fmt"
)

// A *Dataset is a BlockSource: preprocessors fit on it directly.
var _ BlockSource = (*Dataset)(nil)

// TransformDataset returns ds with p applied to every block, lazily (a
// MapBatches over whole blocks, fused into the read). p's fitted state is
// copied now, so fitting p again later does not change the result. An
// unfitted p, or a state that cannot be copied, fails when the dataset is
// consumed.
func TransformDataset(p Preprocessor, ds *Dataset) *Dataset {
	name, _ := preprocessorName(p)
	if name == "" {
		name = fmt.Sprintf("%T", p)
	}
	snap, err := snapshot(p)
	_, pkgErr := preprocessorName(p)
	own := err == nil && pkgErr == nil // only package code sees the blocks
	out := ds.MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
		if err != nil {
			return nil, err
		}
		o, err := snap.TransformBatch(b)
		if err == nil && own {
			ownPooled(b, o)
		}
		return o, err
	}, BatchOptions{Name: name})
	out.plan.recycle = own
	return out
}

// FitTransformDataset fits p on ds (executing ds) and returns ds
// transformed by it.
func FitTransformDataset(ctx context.Context, p Preprocessor, ds *Dataset) (*Dataset, error) {
	if err := p.Fit(ctx, ds); err != nil {
		return nil, err
	}
	return TransformDataset(p, ds), nil
}

// snapshot returns an independent copy of p's state: through JSON for the
// package's preprocessors, p itself for others.
func snapshot(p Preprocessor) (Preprocessor, error) {
	if _, err := preprocessorName(p); err != nil {
		return p, nil
	}
	data, err := MarshalPreprocessor(p)
	if err != nil {
		return nil, err
	}
	return UnmarshalPreprocessor(data)
}

// Transform returns ds scaled by the fitted state (lazily).
func (s *StandardScaler) Transform(ds *Dataset) *Dataset { return TransformDataset(s, ds) }

// FitTransform fits on ds and returns it scaled.
func (s *StandardScaler) FitTransform(ctx context.Context, ds *Dataset) (*Dataset, error) {
	return FitTransformDataset(ctx, s, ds)
}

// Transform returns ds scaled by the fitted state (lazily).
func (s *MinMaxScaler) Transform(ds *Dataset) *Dataset { return TransformDataset(s, ds) }

// FitTransform fits on ds and returns it scaled.
func (s *MinMaxScaler) FitTransform(ctx context.Context, ds *Dataset) (*Dataset, error) {
	return FitTransformDataset(ctx, s, ds)
}

// Transform returns ds scaled by the fitted state (lazily).
func (s *MaxAbsScaler) Transform(ds *Dataset) *Dataset { return TransformDataset(s, ds) }

// FitTransform fits on ds and returns it scaled.
func (s *MaxAbsScaler) FitTransform(ctx context.Context, ds *Dataset) (*Dataset, error) {
	return FitTransformDataset(ctx, s, ds)
}

// Transform returns ds scaled by the fitted state (lazily).
func (s *RobustScaler) Transform(ds *Dataset) *Dataset { return TransformDataset(s, ds) }

// FitTransform fits on ds and returns it scaled.
func (s *RobustScaler) FitTransform(ctx context.Context, ds *Dataset) (*Dataset, error) {
	return FitTransformDataset(ctx, s, ds)
}

// Transform returns ds with missing values filled (lazily).
func (s *SimpleImputer) Transform(ds *Dataset) *Dataset { return TransformDataset(s, ds) }

// FitTransform fits on ds and returns it with missing values filled.
func (s *SimpleImputer) FitTransform(ctx context.Context, ds *Dataset) (*Dataset, error) {
	return FitTransformDataset(ctx, s, ds)
}

// Transform returns ds encoded (lazily).
func (e *OneHotEncoder) Transform(ds *Dataset) *Dataset { return TransformDataset(e, ds) }

// FitTransform fits on ds and returns it encoded.
func (e *OneHotEncoder) FitTransform(ctx context.Context, ds *Dataset) (*Dataset, error) {
	return FitTransformDataset(ctx, e, ds)
}

// Transform returns ds encoded (lazily).
func (e *OrdinalEncoder) Transform(ds *Dataset) *Dataset { return TransformDataset(e, ds) }

// FitTransform fits on ds and returns it encoded.
func (e *OrdinalEncoder) FitTransform(ctx context.Context, ds *Dataset) (*Dataset, error) {
	return FitTransformDataset(ctx, e, ds)
}

// Transform returns ds with the label encoded (lazily).
func (e *LabelEncoder) Transform(ds *Dataset) *Dataset { return TransformDataset(e, ds) }

// FitTransform fits on ds and returns it with the label encoded.
func (e *LabelEncoder) FitTransform(ctx context.Context, ds *Dataset) (*Dataset, error) {
	return FitTransformDataset(ctx, e, ds)
}

// InverseTransform returns ds with the label codes mapped back (lazily).
func (e *LabelEncoder) InverseTransform(ds *Dataset) *Dataset {
	snap, err := snapshot(e)
	return ds.MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
		if err != nil {
			return nil, err
		}
		return snap.(*LabelEncoder).InverseTransformBatch(b)
	}, BatchOptions{Name: "LabelEncoder.Inverse"})
}

// Transform returns ds with the columns packed (lazily).
func (c *Concatenator) Transform(ds *Dataset) *Dataset { return TransformDataset(c, ds) }

// FitTransform is Transform: a Concatenator has nothing to fit.
func (c *Concatenator) FitTransform(ctx context.Context, ds *Dataset) (*Dataset, error) {
	return FitTransformDataset(ctx, c, ds)
}

// Transform returns ds through every stage (lazily).
func (c *Chain) Transform(ds *Dataset) *Dataset { return TransformDataset(c, ds) }

// FitTransform fits the stages on ds and returns it through every stage.
func (c *Chain) FitTransform(ctx context.Context, ds *Dataset) (*Dataset, error) {
	return FitTransformDataset(ctx, c, ds)
}
