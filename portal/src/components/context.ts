import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from '../client/api';
import type { Route } from '../logic/routes';

export interface Portal {
  api: Api;
  navigate: (route: Route) => void;
}

export const PortalContext = createContext<Portal | undefined>(undefined);

export function usePortal(): Portal {
  const portal = useContext(PortalContext);
  if (!portal) throw new Error('usePortal outside the signed-in portal');
  return portal;
}
