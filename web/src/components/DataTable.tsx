import { Button, Center, Group, Paper, Skeleton, Stack, Table, Text, TextInput, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useDebouncedCallback, useMediaQuery } from '@mantine/hooks';
import { IconArrowDown, IconArrowUp, IconArrowsSort, IconSearch } from '@tabler/icons-react';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from './states.tsx';

/** A column of a DataTable. */
export interface Column<T> {
  /** Stable id; also the sort key. */
  key: string;
  /** Header text (also used in the sort button's accessible label). */
  header: string;
  render: (row: T) => ReactNode;
  /** Clicking the header sorts by this column (the caller does the sorting: server or `sortRows`). */
  sortable?: boolean;
  width?: number | string;
  align?: 'left' | 'right' | 'center';
  /** Hide the column below this breakpoint, to keep narrow screens readable. */
  visibleFrom?: 'xs' | 'sm' | 'md' | 'lg';
}

/** The sort of a DataTable. */
export interface SortState {
  column: string;
  direction: 'asc' | 'desc';
}

/** Props of `DataTable`. */
export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** Accessible name of the table. */
  label: string;
  loading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  /** A search box; `onChange` is called 300 ms after typing stops (use the value in the query key). */
  search?: { value: string; onChange: (value: string) => void; placeholder?: string };
  /** Filters and buttons beside the search box. */
  toolbar?: ReactNode;
  sort?: SortState | null;
  onSortChange?: (sort: SortState) => void;
  /** Cursor pagination: another page exists. */
  hasMore?: boolean;
  onLoadMore?: () => void;
  loadingMore?: boolean;
  /** Shown when there are no rows and no search (an `EmptyState` with the first action). */
  empty?: ReactNode;
  /** Below this width the table scrolls horizontally instead of squeezing its columns. */
  minWidth?: number;
}

/**
 * The dashboard's table: a server-side search box, sortable headers, "load more" cursor pagination,
 * loading skeletons, an error with retry and an empty state. Rows come from `useCursorList`.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rows, rowKey, label, loading, error, onRetry, search, toolbar, sort, onSortChange, hasMore, onLoadMore, loadingMore, empty, minWidth = 640 } = props;
  const { t } = useTranslation();
  // On phones the narrow columns are hidden (`visibleFrom`), so the rest may share the width.
  const phone = useMediaQuery('(max-width: 36em)') ?? false;
  const showEmpty = !loading && !error && rows.length === 0;
  const searching = (search?.value ?? '') !== '';

  return (
    <Stack gap="sm">
      {search || toolbar ? (
        <Group gap="sm" wrap="wrap" align="flex-end">
          {search ? <SearchBox {...search} /> : null}
          {toolbar}
        </Group>
      ) : null}
      {error ? <ErrorState error={error} onRetry={onRetry} /> : null}
      {/* `relative` keeps visually hidden labels inside the scroll container (else they widen the page). */}
      <Paper withBorder radius="md" pos="relative" style={{ overflow: 'hidden' }}>
        <Table.ScrollContainer minWidth={phone ? 0 : minWidth} type="native">
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover={rows.length > 0} aria-label={label} aria-busy={loading || undefined}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((column) => (
                  <Table.Th
                    key={column.key}
                    w={column.width}
                    ta={column.align}
                    visibleFrom={column.visibleFrom}
                    aria-sort={sort?.column === column.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
                    style={{ whiteSpace: 'nowrap' }}
                  >
                    {column.sortable && onSortChange ? (
                      <SortButton column={column} sort={sort ?? null} onSortChange={onSortChange} />
                    ) : (
                      <Text fw={600} size="sm">
                        {column.header}
                      </Text>
                    )}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {loading
                ? [0, 1, 2, 3].map((i) => (
                    <Table.Tr key={`skeleton-${i}`}>
                      {columns.map((column) => (
                        <Table.Td key={column.key} visibleFrom={column.visibleFrom}>
                          <Skeleton height={14} radius="sm" width={i % 2 ? '60%' : '80%'} />
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))
                : rows.map((row) => (
                    <Table.Tr key={rowKey(row)}>
                      {columns.map((column) => (
                        <Table.Td key={column.key} ta={column.align} visibleFrom={column.visibleFrom}>
                          {column.render(row)}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {showEmpty ? (
          searching || !empty ? (
            <Center py="xl" px="md">
              <Text c="dimmed" size="sm">
                {searching ? t('table.noMatches') : t('table.empty')}
              </Text>
            </Center>
          ) : (
            empty
          )
        ) : null}
      </Paper>
      {!loading && rows.length > 0 ? (
        <Group justify="space-between" gap="sm">
          <Text size="xs" c="dimmed" aria-live="polite">
            {t('table.count', { count: rows.length })}
          </Text>
          {hasMore && onLoadMore ? (
            <Button variant="default" size="xs" onClick={onLoadMore} loading={loadingMore}>
              {t('table.loadMore')}
            </Button>
          ) : null}
        </Group>
      ) : null}
    </Stack>
  );
}

function SearchBox({ value, onChange, placeholder }: { value: string; onChange: (value: string) => void; placeholder?: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState(value);
  const emit = useDebouncedCallback((next: string) => onChange(next.trim()), 300);
  useEffect(() => setText(value), [value]);
  return (
    <TextInput
      type="search"
      aria-label={placeholder ?? t('common.search')}
      placeholder={placeholder ?? t('common.search')}
      leftSection={<IconSearch size={16} aria-hidden />}
      value={text}
      onChange={(event) => {
        setText(event.currentTarget.value);
        emit(event.currentTarget.value);
      }}
      style={{ flex: '1 1 240px', maxWidth: 420 }}
    />
  );
}

function SortButton<T>({ column, sort, onSortChange }: { column: Column<T>; sort: SortState | null; onSortChange: (sort: SortState) => void }) {
  const { t } = useTranslation();
  const active = sort?.column === column.key;
  const Icon = !active ? IconArrowsSort : sort.direction === 'asc' ? IconArrowUp : IconArrowDown;
  return (
    <UnstyledButton
      onClick={() => onSortChange({ column: column.key, direction: active && sort.direction === 'asc' ? 'desc' : 'asc' })}
      style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}
    >
      <Text fw={600} size="sm">
        {column.header}
      </Text>
      <Icon size={14} aria-hidden style={{ opacity: active ? 1 : 0.45 }} />
      <VisuallyHidden>{t('table.sortBy', { column: column.header })}</VisuallyHidden>
    </UnstyledButton>
  );
}

/**
 * Sorts loaded rows on the client, for lists whose endpoint has no sort parameter. `values` maps each
 * sortable column key to the value it sorts by.
 */
export function sortRows<T>(rows: T[], sort: SortState | null, values: Record<string, (row: T) => string | number | null>): T[] {
  if (!sort) return rows;
  const read = values[sort.column];
  if (!read) return rows;
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = read(a);
    const y = read(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return sign * (typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y)));
  });
}
