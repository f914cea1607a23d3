/**
 * The subset of the monday.com GraphQL schema the emulator serves, written
 * from developer.monday.com (Items, Items page, Other types, Boards, Updates,
 * Users, Account, Complexity) and the published schema of the monday MCP
 * agent toolkit. Fields outside it fail validation the way any GraphQL
 * server fails them ("Cannot query field …").
 */
import { buildSchema, type GraphQLSchema } from 'graphql';

export const MONDAY_SDL = /* GraphQL */ `
  scalar JSON
  scalar Date
  scalar ISO8601DateTime
  scalar CompareValue

  enum State {
    active
    all
    archived
    deleted
  }
  enum ItemsQueryOperator {
    and
    or
  }
  enum ItemsOrderByDirection {
    asc
    desc
  }
  enum ItemsQueryRuleOperator {
    any_of
    not_any_of
    is_empty
    is_not_empty
    greater_than
    greater_than_or_equals
    lower_than
    lower_than_or_equal
    between
    not_contains_text
    contains_text
    contains_terms
    starts_with
    ends_with
    within_the_next
    within_the_last
  }
  enum ColumnType {
    text
    long_text
    status
    date
    people
    numbers
    dropdown
    last_updated
  }

  input ItemsQueryRule {
    column_id: ID!
    compare_attribute: String
    compare_value: CompareValue!
    operator: ItemsQueryRuleOperator = any_of
  }
  input ItemsQueryOrderBy {
    column_id: String!
    direction: ItemsOrderByDirection = asc
  }
  input ItemsQueryGroup {
    groups: [ItemsQueryGroup!]
    operator: ItemsQueryOperator = and
    rules: [ItemsQueryRule!]
  }
  input ItemsQuery {
    groups: [ItemsQueryGroup!]
    ids: [ID!]
    operator: ItemsQueryOperator = and
    order_by: [ItemsQueryOrderBy!]
    rules: [ItemsQueryRule!]
  }

  type Complexity {
    before: Int!
    after: Int!
    query: Int!
    reset_in_x_seconds: Int!
  }
  type Account {
    id: ID!
    name: String!
    slug: String!
    tier: String
  }
  type User {
    id: ID!
    name: String!
    email: String!
    enabled: Boolean!
    account: Account!
  }
  type Group {
    id: ID!
    title: String!
    color: String!
    archived: Boolean
    deleted: Boolean
  }
  type Column {
    id: ID!
    title: String!
    type: ColumnType!
  }
  interface ColumnValue {
    id: ID!
    type: ColumnType!
    text: String
    value: JSON
    column: Column!
  }
  type TextValue implements ColumnValue {
    id: ID!
    type: ColumnType!
    text: String
    value: JSON
    column: Column!
  }
  type LongTextValue implements ColumnValue {
    id: ID!
    type: ColumnType!
    text: String
    value: JSON
    column: Column!
  }
  type StatusValue implements ColumnValue {
    id: ID!
    type: ColumnType!
    text: String
    value: JSON
    column: Column!
    label: String
    index: Int
  }
  type DateValue implements ColumnValue {
    id: ID!
    type: ColumnType!
    text: String
    value: JSON
    column: Column!
    date: String
  }
  type PeopleValue implements ColumnValue {
    id: ID!
    type: ColumnType!
    text: String
    value: JSON
    column: Column!
  }
  type NumbersValue implements ColumnValue {
    id: ID!
    type: ColumnType!
    text: String
    value: JSON
    column: Column!
    number: Float
  }
  type Update {
    id: ID!
    body: String!
    text_body: String
    created_at: Date
    updated_at: Date
    creator_id: String
    creator: User
    item_id: String
  }
  type ItemsResponse {
    cursor: String
    items: [Item!]!
  }
  type Item {
    id: ID!
    name: String!
    state: State
    created_at: Date
    updated_at: Date
    url: String!
    relative_link: String
    creator_id: String!
    creator: User
    board: Board
    group: Group
    column_values(ids: [String!], types: [ColumnType!]): [ColumnValue!]!
    updates(limit: Int = 25, page: Int = 1, ids: [ID!]): [Update!]
  }
  type Board {
    id: ID!
    name: String!
    state: State!
    url: String!
    board_kind: String!
    items_count: Int
    updated_at: ISO8601DateTime
    groups(ids: [String]): [Group]
    columns(ids: [String], types: [ColumnType!]): [Column]
    items_page(limit: Int! = 25, cursor: String, query_params: ItemsQuery): ItemsResponse!
  }
  type Query {
    me: User
    account: Account
    complexity: Complexity
    boards(ids: [ID!], limit: Int, page: Int, state: State = active): [Board]
    items(ids: [ID!], limit: Int, page: Int, newest_first: Boolean, exclude_nonactive: Boolean): [Item]
    next_items_page(cursor: String!, limit: Int! = 25): ItemsResponse!
  }
`;

let built: GraphQLSchema | undefined;
/** The executable schema (built once). */
export function mondaySchema(): GraphQLSchema {
  built ??= buildSchema(MONDAY_SDL);
  return built;
}
