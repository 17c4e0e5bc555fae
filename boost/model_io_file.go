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

// FormatForPath is the format XGBoost infers from a file name: UBJSON for
// ".ubj", JSON otherwise.
func FormatForPath(path string) Format {
	if strings.EqualFold(filepath.Ext(path), ".ubj") {
		return FormatUBJSON
	}
	return FormatJSON
}

// ReadModel reads a whole model document from r and decodes it (either
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

// LoadModel reads an XGBoost 1.7 model file (JSON or UBJSON, detected from
// the content).
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
// directory, synced, then renamed), as UBJSON when path ends in ".ubj" and
// as JSON otherwise, exactly as XGBoost 1.7.4's save_model would.
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
