// Package dataset is an in-process take on Ray Data: lazy, parallel,
// streaming datasets of columnar blocks, with CSV and parquet IO and
// preprocessors whose fitted state is JSON.
//
// # Blocks, columns and schemas
//
// Data moves in immutable *Block values: a Schema (ordered, typed, named
// fields) and one *Column per field. Columns are Float64, Int64, String,
// Bool or Vector (a fixed-length []float64 per row, as a Concatenator
// makes), each with optional nulls. Slicing and column selection share
// storage; Take and Concat copy. Block.SizeBytes is what the executor
// charges against its memory budget.
//
// # Datasets
//
// A *Dataset is a plan: transforms return new datasets and run nothing;
// consuming methods (Count, Take, Blocks, Batches, Rows, Write…,
// Materialize, aggregations, splits) run the plan on the streaming
// executor within Options.MemoryBudget. See Dataset for the transforms,
// shuffles, splits and aggregations, and Options for parallelism and
// memory.
//
// # Scheduling and cancellation
//
// On an actor System, a task (a file, a row group, a block in memory) runs
// in steps: a step is a System task holding one CPU that reads, decodes
// and maps blocks while the memory budget has room for them, and nothing
// else holds a CPU. Waiting for room in the budget, for the consumer, or
// for a stage nested in the plan happens between steps, holding none;
// writes and blocks already made take no CPU. So two executions sharing a small
// System, or a dataset consumed inside the loop over another (an
// evaluation inside a training loop), always progress. The consumer's own
// waits for blocks are blocked waits of the task it may run in
// (actor.Block).
//
// Every consuming method returns ctx's error as soon as ctx ends: steps
// not started are withdrawn and never run, and running ones see ctx and
// finish on their own; nothing waits for them. A dataset consumed on a
// System that was shut down fails with actor.ErrShutdown. Answers that
// come from metadata alone (Count of a parquet read, a Schema the plan
// knows) do not use the System.
//
// # Memory
//
// Streaming stages hold at most Options.MemoryBudget bytes of blocks in
// flight. Barriers (RandomShuffle, Sort, Repartition, the splits,
// Materialize) hold their whole input, as Ray's do. RandomShuffle and Sort
// build their output one column at a time and have the garbage collector
// reclaim each input column before the next, so they need about the data
// plus one column, not twice the data. The scalers take their output
// columns from a scratch pool that the package's CSV and parquet writers
// refill once a block is written, when a package preprocessor feeds a
// package writer directly (scaler.Transform(ds).WriteCSV(…)): such a write
// allocates a few blocks rather than the data again. bench/dataset
// measures the seed's preprocessing against Polars, DuckDB and pandas.
//
// # Reading files
//
// ReadCSV and ReadParquet (or Read with a CSVDatasource or a
// ParquetDatasource) take files and directories. Directories are walked
// recursively in sorted order; names starting with "." or "_" are skipped;
// Hive-style key=value directories become typed columns (the seed's
// year/month/day/hour). ReadOptions.Columns projects the read, and a
// SelectColumns or DropColumns right after a read is pushed into the
// reader, so unread parquet columns are never decoded. A parquet read is
// one task per row group; a CSV read one task per file. Paths with a
// scheme ("s3://…") go through an FS registered in an FSRegistry.
//
// CSV types are inferred from a sample of each file (CSVOptions.InferRows)
// and can be fixed with CSVOptions.ColumnTypes. An unquoted empty field is
// null; a quoted one ("") is the empty string.
//
// # Writing files
//
// Dataset.WriteCSV and Dataset.WriteParquet write one file per block,
// "part-00000.csv" and so on. Each file is written to a temporary name,
// synced and renamed, and a failed write removes the files it already
// wrote: nothing is half-written. CSV floats are written in their shortest
// round-trip form, so a written dataset reads back bit for bit.
//
// # Determinism
//
// Output order never depends on timing: the executor yields blocks in
// plan order. RandomShuffle, the splits, TrainTestSplit and the local
// shuffle of Batches and Rows draw over row positions, so the same seed on
// the same rows gives the same rows whatever Options.Parallelism, the
// system's CPUs or the block layout (BlockRows, files, row groups).
// RandomizeBlockOrder draws over blocks, so it is fixed for a given block
// layout. Floating-point aggregates and fitted statistics are sums whose
// grouping follows the blocks, so they agree across layouts to rounding.
//
// # Errors
//
// Bad input is reported with typed errors that match the package's
// sentinels under errors.Is: *ParseError (ErrMalformed) names the file,
// line and column of a malformed CSV row or value; *MissingColumnError
// (ErrColumnNotFound) lists the available columns; *TypeConflictError
// (ErrTypeConflict) names the two files that disagree on a column's type.
// Other failures wrap a sentinel with %w and keep their cause reachable:
// ErrSchemaMismatch (blocks or Union inputs with different columns; a
// Union whose inputs' schemas the plan knows is checked before it runs),
// ErrNoFiles, ErrNoFS (a URI scheme with no registered FS), ErrFileDone,
// ErrNilFunc, ErrBadSplit, ErrPreprocessor and ErrNotFitted. A failure in
// an operator is an *OpError naming it, and a panic in user code (a
// function given to a transform, a Datasource, an FS, a BlockWriter) an
// *actor.PanicError naming the operation and carrying the stack. When a write fails and removing what it
// wrote fails too, both errors are returned (errors.Join).
//
// # Preprocessors
//
// StandardScaler, MinMaxScaler, MaxAbsScaler, RobustScaler,
// SimpleImputer, OneHotEncoder, OrdinalEncoder, LabelEncoder,
// Concatenator and Chain follow Ray's preprocessors: Fit computes state
// from a dataset (or any BlockSource) in one ordered pass, so the state
// does not depend on parallelism; Transform applies it lazily to a
// dataset; FitTransform does both; TransformBatch applies it to one block.
// StandardScaler uses the population standard deviation, as Ray does, and
// only centres a column whose deviation is below 1e-8. The fitted state is
// the exported fields: encoding/json encodes it, and MarshalPreprocessor
// adds the type name so that UnmarshalPreprocessor (and a Chain) can
// rebuild any of them. Where this package departs from current Ray it
// says so on the type (OneHotEncoder keeps one column per category;
// RobustScaler uses exact quantiles).
package dataset
