package sagemaker

import (
	"context"
	"iter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/sagepipe/sagepipe/pipeline"
)

// PipelineSummary describes one pipeline of the account.
type PipelineSummary struct {
	Name, ARN                string
	DisplayName, Description string
	RoleARN                  string
	Created, Modified        time.Time
	// LastExecution is zero if the pipeline never ran.
	LastExecution time.Time
}

// ListPipelines returns the account's pipelines whose names start with
// prefix (all when empty), newest first, fetching pages as the sequence is
// read. An error ends the sequence.
func (c *Client) ListPipelines(ctx context.Context, prefix string) iter.Seq2[PipelineSummary, error] {
	return func(yield func(PipelineSummary, error) bool) {
		pg := sm.NewListPipelinesPaginator(c.api, &sm.ListPipelinesInput{
			PipelineNamePrefix: optString(prefix),
			SortBy:             smtypes.SortPipelinesByCreationTime,
			SortOrder:          smtypes.SortOrderDescending,
		})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				yield(PipelineSummary{}, opErr("ListPipelines", prefix+"*", err))
				return
			}
			for _, p := range page.PipelineSummaries {
				s := PipelineSummary{
					Name:          aws.ToString(p.PipelineName),
					ARN:           aws.ToString(p.PipelineArn),
					DisplayName:   aws.ToString(p.PipelineDisplayName),
					Description:   aws.ToString(p.PipelineDescription),
					RoleARN:       aws.ToString(p.RoleArn),
					Created:       aws.ToTime(p.CreationTime),
					Modified:      aws.ToTime(p.LastModifiedTime),
					LastExecution: aws.ToTime(p.LastExecutionTime),
				}
				if !yield(s, nil) {
					return
				}
			}
		}
	}
}

// ListExecutions returns the executions of the named pipeline, newest
// first, as records without steps or parameters (Describe an execution
// for those), fetching pages as the sequence is read. An error ends the
// sequence.
func (c *Client) ListExecutions(ctx context.Context, name string) iter.Seq2[*pipeline.Execution, error] {
	return func(yield func(*pipeline.Execution, error) bool) {
		pg := sm.NewListPipelineExecutionsPaginator(c.api, &sm.ListPipelineExecutionsInput{
			PipelineName: aws.String(name),
			SortBy:       smtypes.SortPipelineExecutionsByCreationTime,
			SortOrder:    smtypes.SortOrderDescending,
		})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				yield(nil, opErr("ListPipelineExecutions", name, err))
				return
			}
			for _, s := range page.PipelineExecutionSummaries {
				arn := aws.ToString(s.PipelineExecutionArn)
				rec := &pipeline.Execution{
					ARN:           arn,
					Pipeline:      name,
					DisplayName:   aws.ToString(s.PipelineExecutionDisplayName),
					Status:        pipeline.ExecutionStatus(s.PipelineExecutionStatus),
					FailureReason: aws.ToString(s.PipelineExecutionFailureReason),
					Start:         aws.ToTime(s.StartTime),
				}
				if e, err := c.Execution(arn); err == nil {
					rec.ID = e.ID()
				}
				if !yield(rec, nil) {
					return
				}
			}
		}
	}
}

// Delete deletes the named pipeline. Its running executions go on.
func (c *Client) Delete(ctx context.Context, name string) error {
	_, err := c.api.DeletePipeline(ctx, &sm.DeletePipelineInput{
		PipelineName: aws.String(name), ClientRequestToken: aws.String(token()),
	})
	return opErr("DeletePipeline", name, err)
}
