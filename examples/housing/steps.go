package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/dataset"
	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/sagemaker/featurestore"
)

// label is the regression target of the housing data.
const label = "PRICE"

// Trial sizing: each training job of the tuning step runs on its three
// instances as three actors of actorCPUs each, so the four parallel jobs
// hold 4 × 3 × 0.25 = 3 CPUs of the actor system (see newSystem).
const (
	parallelTrials = 4
	actorCPUs      = 0.25
)

// impl holds the Go implementations of the seed's steps, standing for its
// scripts: where the engine keeps its store, and the account and region
// the feature store's offline location is named after. With no root the
// steps run in a SageMaker container and use SageMaker Feature Store,
// waiting for its offline store as wait says (zero: defaultOfflineWait).
type impl struct {
	root    string
	bucket  string
	account string
	region  string
	now     func() time.Time
	wait    offlineWait
}

// bind binds the seed's steps to their Go implementations on e.
func (s *impl) bind(e *local.Engine) {
	e.Processing("FeatureStoreIngestion", s.ingest)
	e.Processing("PreprocessData", s.preprocess)
	e.Training("HPTuning", s.train)
	e.Processing("EvaluateModel", s.evaluate)
}

// ingest is the seed's script-fs.py: it creates the feature group (record
// identifier record_id, event time event_time, PRICE integral and the
// other columns fractional) with its offline store under
// s3://<bucket>/<--bucket_prefix>/synthetic-housing-price-data and writes
// every row of the staged CSV into it with --num_actors writers. Locally
// the group is the engine's (featurestore.Local); in a SageMaker container
// it is SageMaker Feature Store's (see ingestRemote).
func (s *impl) ingest(ctx context.Context, job *local.ProcessingJob) error {
	args, err := parseArgs(job.Arguments)
	if err != nil {
		return err
	}
	name, err := args.str("feature_group_name")
	if err != nil {
		return err
	}
	prefix, err := args.str("bucket_prefix")
	if err != nil {
		return err
	}
	actors, err := args.int("num_actors")
	if err != nil {
		return err
	}
	in, ok := job.Inputs["input-1"]
	if !ok {
		return errors.New("no input-1: the raw CSV")
	}
	ds, err := readFeatures(ctx, in.Dir)
	if err != nil {
		return fmt.Errorf("read %s: %w", in.S3URI, err)
	}
	if s.root == "" {
		return s.ingestRemote(ctx, job, args, name, prefix, actors, ds)
	}
	schema, err := ds.Schema(ctx)
	if err != nil {
		return err
	}
	offline := "s3://" + s.bucket + "/" + strings.Trim(prefix, "/") + "/" + offlineSuffix
	rec, err := createGroup(s.root, seedGroup(name, offline, schema), s.now())
	if err != nil {
		return fmt.Errorf("feature group %s: %w", name, err)
	}
	store, err := s.openGroup(ctx, rec, job.System)
	if err != nil {
		return err
	}
	// Every ingestion into the group stamps its records with the group's
	// creation time, so a re-run writes the same records and the store
	// skips those it holds: ingesting twice does not duplicate the data.
	ds, err = featurestore.Identify(ctx, ds, recordID, eventTime, rec.CreationTime)
	if err != nil {
		return err
	}
	rep, err := store.Ingest(ctx, ds, actors)
	if err != nil {
		return fmt.Errorf("feature group %s: %w", name, err)
	}
	job.Log.Info("ingested", "feature_group", name, "written", rep.Written, "skipped", rep.Skipped,
		"files", len(rep.Files), "actors", actors, "offline_store", store.OfflineURI())
	return nil
}

// readFeatures reads the raw CSV with the types the seed's feature group
// gives its columns: PRICE integral, every other column fractional.
func readFeatures(ctx context.Context, dir string) (*dataset.Dataset, error) {
	head, err := dataset.ReadCSV(ctx, nil, []string{dir}, dataset.CSVOptions{InferRows: 1}, dataset.Options{})
	if err != nil {
		return nil, err
	}
	schema, err := head.Schema(ctx)
	if err != nil {
		return nil, err
	}
	types := map[string]dataset.Type{}
	for _, name := range schema.Names() {
		types[name] = dataset.Float64
	}
	if _, ok := types[label]; !ok {
		return nil, fmt.Errorf("no %s column (the columns are %s)", label, strings.Join(schema.Names(), ", "))
	}
	types[label] = dataset.Int64
	return dataset.ReadCSV(ctx, nil, []string{dir}, dataset.CSVOptions{ColumnTypes: types}, dataset.Options{})
}

// splitSizes reads the three split sizes as the seed's script does (floats
// from their String parameters) and checks that they sum to 1.
func splitSizes(args scriptArgs) (train, val, test float64, err error) {
	if train, err = args.float("train_size"); err != nil {
		return
	}
	if val, err = args.float("val_size"); err != nil {
		return
	}
	if test, err = args.float("test_size"); err != nil {
		return
	}
	for _, v := range []struct {
		name string
		f    float64
	}{{"train_size", train}, {"val_size", val}, {"test_size", test}} {
		if !(v.f >= 0 && v.f <= 1) {
			err = fmt.Errorf("--%s %v: want a size between 0 and 1", v.name, v.f)
			return
		}
	}
	if sum := train + val + test; math.Abs(sum-1) > 1e-9 {
		err = fmt.Errorf("--train_size %v + --val_size %v + --test_size %v = %v: the split sizes must sum to 1",
			train, val, test, sum)
	}
	return
}

// preprocess is the seed's preprocessing script.py: it reads the feature
// group's offline store (in record order), drops the store's bookkeeping
// columns, shuffles with seed 42, splits by the three sizes, fits a StandardScaler on the
// training split for every column but PRICE, and writes the three scaled
// splits as CSV with a header row. Locally it reads the engine's store; in
// a SageMaker container, SageMaker Feature Store's (see impl.fetchOffline).
func (s *impl) preprocess(ctx context.Context, job *local.ProcessingJob) error {
	args, err := parseArgs(job.Arguments)
	if err != nil {
		return err
	}
	trainSize, valSize, _, err := splitSizes(args)
	if err != nil {
		return err
	}
	name, err := args.str("feature_group_name")
	if err != nil {
		return err
	}
	dir, cleanup, err := s.offlineStore(ctx, job, args, name)
	if err != nil {
		return err
	}
	defer cleanup()
	ds, err := dataset.ReadParquet(ctx, nil, []string{dir}, dataset.ParquetOptions{}, dataset.Options{})
	if err != nil {
		return fmt.Errorf("offline store of %s: %w", name, err)
	}
	if s.root == "" {
		// SageMaker's offline store keeps every put of a record.
		var dropped int
		if ds, dropped, err = firstWrites(ctx, ds); err != nil {
			return fmt.Errorf("offline store of %s: %w", name, err)
		}
		job.Log.Info("read the offline store", "feature_group", name, "repeated_records_dropped", dropped)
	}
	// The offline files have random names, so their read order changes
	// with every ingestion: in record order, the shuffle's seed alone
	// decides the split.
	splits, err := ds.Sort(recordID, false).DropColumns(bookkeeping...).RandomShuffle(42).
		SplitProportionately(ctx, []float64{trainSize, valSize})
	if err != nil {
		return err
	}
	cols, err := splits[0].Columns(ctx)
	if err != nil {
		return err
	}
	scaler := dataset.NewStandardScaler(slices.DeleteFunc(cols, func(c string) bool { return c == label })...)
	train, err := scaler.FitTransform(ctx, splits[0])
	if err != nil {
		return err
	}
	for name, d := range map[string]*dataset.Dataset{
		"train": train, "validation": scaler.Transform(splits[1]), "test": scaler.Transform(splits[2]),
	} {
		out, ok := job.Outputs[name]
		if !ok {
			return fmt.Errorf("no output %q", name)
		}
		if _, err := d.WriteCSV(ctx, out.Dir, dataset.WriteOptions{}); err != nil {
			return fmt.Errorf("output %s: %w", name, err)
		}
	}
	job.Log.Info("split", "train", trainSize, "validation", valSize, "scaled", scaler.Columns)
	return nil
}

// readCSVDir reads every CSV file of a channel or input directory.
func readCSVDir(ctx context.Context, dir string) (*dataset.Dataset, error) {
	return dataset.ReadCSV(ctx, nil, []string{dir}, dataset.CSVOptions{}, dataset.Options{})
}

// train is the seed's train/script.py: boost for 100 rounds with the
// trial's eta, subsample, max_depth and min_child_weight
// (reg:squarederror, eval metrics mae and rmse, seed 47), distributed over
// one actor per instance as xgboost-ray over the job's Ray cluster. Its
// eval lines go to the job's stdout, where the XGBoost image's
// validation:rmse metric is read from; the model is saved in XGBoost's
// JSON format in the model directory.
func (s *impl) train(ctx context.Context, job *local.TrainingJob) error {
	h := job.HyperParameters
	eta, err1 := h.Float("eta", 0.3)
	sub, err2 := h.Float("subsample", 1)
	depth, err3 := h.Int("max_depth", 6)
	mcw, err4 := h.Int("min_child_weight", 1)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return err
	}
	cfg, err := boost.NewConfig(map[string]any{
		"objective": "reg:squarederror", "eta": eta, "subsample": sub, "max_depth": depth,
		"min_child_weight": mcw, "eval_metric": []string{"mae", "rmse"}, "num_boost_round": 100, "seed": 47,
	})
	if err != nil {
		return err
	}
	var dm [2]*boost.DMatrix
	for i, ch := range []string{"train", "validation"} {
		c, ok := job.Channels[ch]
		if !ok {
			return fmt.Errorf("no %s channel", ch)
		}
		ds, err := readCSVDir(ctx, c.Dir)
		if err != nil {
			return fmt.Errorf("channel %s: %w", ch, err)
		}
		if dm[i], err = boost.FromDataset(ctx, ds, boost.DatasetColumns{Label: label}); err != nil {
			return fmt.Errorf("channel %s: %w", ch, err)
		}
	}
	res, err := boost.TrainDistributed(ctx, job.System, cfg, dm[0],
		boost.DistOptions{NumActors: job.InstanceCount, CPUsPerActor: actorCPUs, Name: job.Name},
		boost.TrainOptions{Evals: []boost.EvalSet{{Name: "validation", Data: dm[1]}}, Log: job.Stdout})
	if err != nil {
		return err
	}
	return res.Model.Save(ctx, filepath.Join(job.ModelDir, modelFile))
}

// modelFile is the name of the model in model.tar.gz.
const modelFile = "model.json"

// evaluate is the seed's evaluate/script.py: it unpacks the top model's
// model.tar.gz, predicts the test split and writes evaluation.json with
// the MAE and RMSE and the residuals' standard deviation.
func (s *impl) evaluate(ctx context.Context, job *local.ProcessingJob) error {
	in, ok := job.Inputs["input-1"]
	if !ok {
		return errors.New("no input-1: the model")
	}
	test, ok := job.Inputs["input-2"]
	if !ok {
		return errors.New("no input-2: the test split")
	}
	out, ok := job.Outputs["evaluation"]
	if !ok {
		return errors.New("no evaluation output")
	}
	tmp, err := os.MkdirTemp("", "model-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := untar(filepath.Join(in.Dir, "model.tar.gz"), tmp); err != nil {
		return fmt.Errorf("%s: %w", in.S3URI, err)
	}
	m, err := boost.LoadModel(ctx, filepath.Join(tmp, modelFile))
	if err != nil {
		return err
	}
	ds, err := readCSVDir(ctx, test.Dir)
	if err != nil {
		return fmt.Errorf("test split: %w", err)
	}
	rep, err := score(ctx, m, ds)
	if err != nil {
		return fmt.Errorf("test split: %w", err)
	}
	b, err := rep.json()
	if err != nil {
		return err
	}
	job.Log.Info("evaluated", "mae", rep.MAE, "rmse", rep.RMSE, "std", rep.Std, "rows", rep.Rows)
	return os.WriteFile(filepath.Join(out.Dir, "evaluation.json"), b, 0o644)
}

// report holds the evaluation metrics of a model on a labelled dataset.
type report struct {
	MAE, RMSE, Std float64
	Rows           int
}

// score predicts ds with m and compares with its PRICE column as the
// seed's script does with scikit-learn and numpy: mean absolute error,
// root mean squared error and the population standard deviation of the
// residuals, in float64 from XGBoost's float32 predictions.
func score(ctx context.Context, m *boost.Model, ds *dataset.Dataset) (report, error) {
	p, err := m.NewPredictor(boost.PredictOptions{})
	if err != nil {
		return report{}, err
	}
	pred, err := p.PredictDataset(ctx, ds.DropColumns(label), nil)
	if err != nil {
		return report{}, err
	}
	var truth []float64
	for b, err := range ds.SelectColumns(label).Blocks(ctx) {
		if err != nil {
			return report{}, err
		}
		v, err := b.Column(0).AsFloat64()
		if err != nil {
			return report{}, fmt.Errorf("column %s: %w", label, err)
		}
		truth = append(truth, v...)
	}
	if len(truth) != len(pred) || len(truth) == 0 {
		return report{}, fmt.Errorf("%d labels and %d predictions", len(truth), len(pred))
	}
	n := float64(len(truth))
	var abs, sq, sum float64
	res := make([]float64, len(truth))
	for i, y := range truth {
		r := y - float64(pred[i])
		res[i] = r
		abs += math.Abs(r)
		sq += r * r
		sum += r
	}
	mean := sum / n
	var dev float64
	for _, r := range res {
		dev += (r - mean) * (r - mean)
	}
	return report{MAE: abs / n, RMSE: math.Sqrt(sq / n), Std: math.Sqrt(dev / n), Rows: len(truth)}, nil
}

// json renders r as the seed's script writes evaluation.json, with
// Python's json defaults.
func (r report) json() ([]byte, error) {
	metric := func(v float64) *pyjson.Object {
		return pyjson.NewObject().Set("value", v).Set("standard_deviation", r.Std)
	}
	return pyjson.Marshal(pyjson.NewObject().Set("regression_metrics",
		pyjson.NewObject().Set("mae", metric(r.MAE)).Set("rmse", metric(r.RMSE))))
}
