package boost

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sagepipe/sagepipe/internal/atomicfile"
)

// FormatForPath is the format XGBoost 1.7's save_model infers from a file
// name: JSON for ".json", UBJSON for ".ubj" (either in any case), and its
// legacy binary format for any other name, such as SageMaker's
// "xgboost-model".
func FormatForPath(path string) Format {
	switch ext := filepath.Ext(path); {
	case strings.EqualFold(ext, ".json"):
		return FormatJSON
	case strings.EqualFold(ext, ".ubj"):
		return FormatUBJSON
	}
	return FormatBinary
}

// ReadModel reads a whole model document from r and decodes it (any
// format, see DetectFormat).
func ReadModel(ctx context.Context, r io.Reader) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("boost: read model: %w", err)
	}
	return DecodeModel(data)
}

// LoadModel reads an XGBoost 1.x model file (JSON, UBJSON or the legacy
// binary format, detected from the content as XGBoost does, whatever the
// file's name).
func LoadModel(ctx context.Context, path string) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("boost: load model: %w", err)
	}
	m, err := DecodeModel(data)
	if err != nil {
		return nil, fmt.Errorf("boost: load model %s: %w", path, err)
	}
	return m, nil
}

// Save writes the model to path atomically (a temporary file in the same
// directory, synced, then renamed), in the format FormatForPath gives for
// it: JSON for ".json", UBJSON for ".ubj", XGBoost's legacy binary format
// otherwise, exactly as XGBoost 1.7.4's save_model would.
func (m *Model) Save(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := m.Encode(FormatForPath(path))
	if err != nil {
		return fmt.Errorf("boost: save model %s: %w", path, err)
	}
	return writeFileAtomic(path, data)
}

// modelFileMode is the permission of a saved model, that of a file XGBoost
// writes under the usual umask 022.
const modelFileMode = 0o644

// writeFileAtomic writes data to path through a temporary file in the
// same directory, so that path holds either the old or the whole new
// content.
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, modelFileMode); err != nil {
		return fmt.Errorf("boost: save model %s: %w", path, err)
	}
	return nil
}
