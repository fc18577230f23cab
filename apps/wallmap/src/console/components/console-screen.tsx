import { Wall } from '../../shell/components/wall';
import type { ScreenProps } from '../../shell/routes';

/** The operator's console (`/console`): the wall's live map with the case queue, the open summonses and the intake form. */
export function ConsoleScreen(props: ScreenProps) {
  return <Wall {...props} console />;
}
