import { Router } from 'express';
import { createHook, createHookInput, getHook } from '../../domain/hooks';
import type { Models } from '../../domain/models';
import { parse } from '../validate';

export function hookRoutes(models: Models, options: { allowPrivateTargets: boolean }): Router {
  const router = Router();
  router.post('/hooks', async (req, res) => {
    res.status(201).json(await createHook(models, parse(createHookInput, req.body), options));
  });
  router.get('/hooks/:id', async (req, res) => {
    res.json(await getHook(models, req.params.id));
  });
  return router;
}
