package dataset

import "context"

// ReadCSV returns a dataset of the CSV files and directories at paths (see
// CSVDatasource for the format, type inference and errors). The headers and
// a sample of each file are read now, so a missing path, a malformed header
// or a type conflict between files is reported here; the rows are read
// when the dataset is consumed, one read task per file.
func ReadCSV(ctx context.Context, sys *System, paths []string, opts CSVOptions, exec Options) (*Dataset, error) {
	return Read(ctx, sys, NewCSVDatasource(paths, opts), exec)
}

// ReadParquet returns a dataset of the parquet files and directories at
// paths, with Hive-style key=value directories as columns (see
// ParquetDatasource). The footers are read now; the rows are read when the
// dataset is consumed, one read task per row group.
func ReadParquet(ctx context.Context, sys *System, paths []string, opts ParquetOptions, exec Options) (*Dataset, error) {
	return Read(ctx, sys, NewParquetDatasource(paths, opts), exec)
}

// WriteCSV executes d and writes each block as one CSV file with a header
// ("part-00000.csv", …) under dir, each file atomically. On failure the
// files already written are removed. It returns the paths written.
func (d *Dataset) WriteCSV(ctx context.Context, dir string, opts WriteOptions) ([]string, error) {
	return d.Write(ctx, NewCSVWriter(dir, opts))
}

// WriteParquet executes d and writes each block as one parquet file
// ("part-00000.parquet", …) under dir, each file atomically. On failure the
// files already written are removed. It returns the paths written.
func (d *Dataset) WriteParquet(ctx context.Context, dir string, opts WriteOptions) ([]string, error) {
	return d.Write(ctx, NewParquetWriter(dir, opts))
}
