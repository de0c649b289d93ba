import { Router } from 'express';
import { acceptEvent, getEventWithDeliveries, postEventInput, type EventDependencies } from '../../domain/events';
import { parse } from '../validate';

export function eventRoutes(deps: EventDependencies): Router {
  const router = Router();
  router.post('/events', async (req, res) => {
    const { event, created } = await acceptEvent(deps, parse(postEventInput, req.body));
    // 202: accepted for delivery. A repeat of an event already accepted answers 200 with the same event.
    res.status(created ? 202 : 200).json(event);
  });
  router.get('/events/:id', async (req, res) => {
    res.json(await getEventWithDeliveries(deps.models, req.params.id));
  });
  return router;
}
