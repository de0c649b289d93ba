import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** A tenant: the person or team that subscribes hooks and is emailed about them. */
const ownerSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    email: { type: String, required: true },
  },
  { timestamps: true, versionKey: false },
);

export type Owner = InferSchemaType<typeof ownerSchema>;

export function ownerModel(connection: Connection) {
  return connection.model('Owner', ownerSchema, 'owners');
}
