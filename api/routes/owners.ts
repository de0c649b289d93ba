import { Router } from 'express';
import type { Models } from '../../domain/models';
import { createOwner, createOwnerInput, getOwner } from '../../domain/owners';
import { parse } from '../validate';

export function ownerRoutes(models: Models): Router {
  const router = Router();
  router.post('/owners', async (req, res) => {
    res.status(201).json(await createOwner(models, parse(createOwnerInput, req.body)));
  });
  router.get('/owners/:id', async (req, res) => {
    res.json(await getOwner(models, req.params.id));
  });
  return router;
}
