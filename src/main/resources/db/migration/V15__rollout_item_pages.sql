-- Serves the cursor pages of a rollout's items (GET /api/v1/schema-rollouts/{id}/items) in their order, FAILED
-- first, then by wave and project name, with the project id as the tie-breaker: each page is an index range scan
-- from the last item of the previous one, however many items the rollout has.
CREATE INDEX schema_rollout_items_page_idx
    ON schema_rollout_items (rollout_id, (state <> 'FAILED'), wave, project_name, project_id);
