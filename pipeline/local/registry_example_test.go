package local_test

import (
	"context"
	"fmt"
	"os"

	"github.com/sagepipe/sagepipe/pipeline/local"
)

// Versions are numbered from 1 in their group and start pending manual
// approval; approving one makes it the group's latest approved version.
func ExampleRegistry() {
	root, err := os.MkdirTemp("", "registry-example-*")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(root)
	ctx := context.Background()
	reg := local.OpenRegistry(root)
	spec := local.InferenceSpecification{Containers: []local.Container{{Image: "sagemaker-xgboost:1.7-1",
		ModelDataURL: "s3://bucket/model/model.tar.gz"}}}
	for range 3 {
		if _, err := reg.Register(ctx, local.ModelPackage{GroupName: "housing", InferenceSpecification: spec}); err != nil {
			fmt.Println(err)
			return
		}
	}
	if _, err := reg.Approve(ctx, "housing", 2, "RMSE below the threshold"); err != nil {
		fmt.Println(err)
		return
	}
	vs, _ := reg.Versions(ctx, "housing")
	for _, v := range vs {
		fmt.Println(v.Version, v.ApprovalStatus, v.Arn)
	}
	latest, _ := reg.Latest(ctx, "housing", local.Approved)
	fmt.Println("serve version", latest.Version)
	// Output:
	// 1 PendingManualApproval arn:aws:sagemaker:local:000000000000:model-package/housing/1
	// 2 Approved arn:aws:sagemaker:local:000000000000:model-package/housing/2
	// 3 PendingManualApproval arn:aws:sagemaker:local:000000000000:model-package/housing/3
	// serve version 2
}
