import { createTheme, type MantineColorsTuple, type MantineThemeOverride, mergeThemeOverrides } from '@mantine/core';

/** Charla's brand color: a deep teal, readable on white and on dark backgrounds. */
const brand: MantineColorsTuple = ['#e3fbf7', '#d2f2ec', '#a8e3d8', '#7ad3c3', '#55c6b1', '#3ebea6', '#2fba9f', '#1ea38b', '#0f917b', '#007e69'];

/** The dashboard's Mantine theme (see `localizedTheme` for the parts that speak). */
export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: { light: 8, dark: 6 },
  colors: { brand },
  defaultRadius: 'md',
  cursorType: 'pointer',
  fontFamily: 'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  components: {
    Button: { defaultProps: { radius: 'md' } },
    Paper: { defaultProps: { radius: 'md' } },
    Card: { defaultProps: { radius: 'md', withBorder: true } },
    Modal: { defaultProps: { radius: 'md', centered: true, overlayProps: { backgroundOpacity: 0.45, blur: 2 } } },
    Tooltip: { defaultProps: { withArrow: true } },
  },
});

/**
 * The theme with Mantine's built-in accessible labels (password toggle, close and clear buttons) in
 * the interface language; rebuilt when the language changes.
 */
export function localizedTheme(labels: { togglePassword: string; close: string; clear: string }): MantineThemeOverride {
  return mergeThemeOverrides(
    theme,
    createTheme({
      components: {
        PasswordInput: { defaultProps: { visibilityToggleButtonProps: { 'aria-label': labels.togglePassword } } },
        Modal: { defaultProps: { closeButtonProps: { 'aria-label': labels.close } } },
        Drawer: { defaultProps: { closeButtonProps: { 'aria-label': labels.close } } },
        Notification: { defaultProps: { closeButtonProps: { 'aria-label': labels.close } } },
        Select: { defaultProps: { clearButtonProps: { 'aria-label': labels.clear } } },
        MultiSelect: { defaultProps: { clearButtonProps: { 'aria-label': labels.clear } } },
      },
    }),
  );
}
