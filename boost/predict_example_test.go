package boost_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/sagepipe/sagepipe/boost"
)

// Example builds a one-tree model through the tree-building API, saves it
// in XGBoost's JSON format, loads it back and predicts two rows, one with a
// missing value.
func Example() {
	ctx := context.Background()
	// Root: feature 0 < 2.5 goes left (leaf 10), otherwise right (leaf 20);
	// missing values go left.
	tree := boost.NewTree(2, 0, 100)
	tree.AddSplit(0, 0, 2.5, true, 0, 1, 10, 60, 20, 40)
	m := &boost.Model{
		Objective:  boost.ObjSquaredError,
		BaseScore:  0.5,
		NumFeature: 2,
		Trees:      []boost.Tree{tree},
		TreeInfo:   []int32{0},
	}
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.json")
	if err := m.Save(ctx, path); err != nil {
		fmt.Println(err)
		return
	}
	loaded, err := boost.LoadModel(ctx, path)
	if err != nil {
		fmt.Println(err)
		return
	}
	nan := float32(math.NaN())
	pred, err := loaded.Predict(ctx, []float32{3, 0, nan, 0}, boost.PredictOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pred)
	// Output: [20.5 10.5]
}

// ExampleModel_Importance shows the importance of the features of a small
// model.
func ExampleModel_Importance() {
	tree := boost.NewTree(2, 0, 100)
	left, _ := tree.AddSplit(0, 1, 0.5, false, 0, 8, 1, 70, 2, 30)
	tree.AddSplit(left, 0, 3, false, 0, 2, 3, 50, 4, 20)
	m := &boost.Model{Objective: boost.ObjSquaredError, BaseScore: 0.5, NumFeature: 2,
		Trees: []boost.Tree{tree}, TreeInfo: []int32{0}, FeatureNames: []string{"size", "age"}}
	gain, err := m.Importance(boost.ImportanceTotalGain)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(gain["size"], gain["age"])
	// Output: 2 8
}
