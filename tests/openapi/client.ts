// Compiled by check.sh with `tsc --noEmit` against the types openapi-typescript generates from
// the served /openapi.json: a create and a list through a typed client must type-check, and a
// wrong value must not (so the types are real, not `any`).
import createClient from "openapi-fetch";
import type { components, operations, paths } from "./generated/api";

type Task = components["schemas"]["Task"];
type TaskCreate = components["schemas"]["TaskCreate"];
type ListTasksQuery = NonNullable<operations["listTasks"]["parameters"]["query"]>;

export async function createAndList(baseUrl: string, token: string, userId: string): Promise<Task[]> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const body: TaskCreate = { title: "typed", priority: "high", tags: ["ts"], due_date: null };
  const created = await client.POST("/api/{user_id}/tasks", {
    params: { path: { user_id: userId }, header: { "Idempotency-Key": "create-1" } },
    body,
  });
  if (created.error) throw new Error(created.error.error.code);
  const task: Task | undefined = created.data?.data;
  const query: ListTasksQuery = { status: "pending", limit: 10, sort: "-created_at" };
  const page = await client.GET("/api/{user_id}/tasks", { params: { path: { user_id: userId }, query } });
  if (page.error) throw new Error(page.error.error.message);
  const next: string | null | undefined = page.data?.meta?.next_cursor;
  return [...(task ? [task] : []), ...(next === undefined ? [] : page.data?.data ?? [])];
}

// @ts-expect-error: "urgent" is not a priority
export const wrongPriority: TaskCreate = { title: "x", priority: "urgent" };
// @ts-expect-error: a task list's items are tasks, not strings
export const wrongItems: NonNullable<operations["listTasks"]["responses"]["200"]["content"]["application/json"]["data"]> = ["x"];
