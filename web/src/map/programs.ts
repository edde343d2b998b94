/**
 * Sigma's own node and edge programs without three costs it pays every frame,
 * which software WebGL (SwiftShader, the only WebGL without a GPU) pays dearly:
 * - Sigma draws each node and edge as an instance of one small shape
 *   (instanced drawing). A GPU draws instances in one go; SwiftShader runs
 *   one internal draw per instance, handing each to its worker threads, and
 *   that overhead, not the pixels, was most of a frame. Here each vertex
 *   carries its instance's data (three vertices a node, six an edge), so a
 *   frame is one plain draw per program.
 * - `Program.bindProgram` uploads the whole vertex array (`bufferData`) for
 *   every pass of every frame, though the array only changes when sigma
 *   re-processes the graph (a refresh). Here each pass's buffer is uploaded
 *   again only after the array changed.
 * - The picking pass (node ids drawn off-screen, read back for hover and
 *   click) is skipped while the camera moves with edges hidden: nothing is
 *   hovered mid-move, and sigma draws a still frame, picking included, once
 *   the move ends (the end of an animation, or its refresh on mouse-up).
 *
 * What is drawn is unchanged: same shaders, same data, the same pixels.
 */
import type Sigma from 'sigma';
import {
  EdgeRectangleProgram,
  NodeCircleProgram,
  type InstancedProgramDefinition,
  type Program,
  type ProgramDefinition,
  type ProgramInfo,
} from 'sigma/rendering';
import type { RenderParams } from 'sigma/types';

/** Sigma's own test (`Sigma.render`) of a camera in motion, for a renderer. */
export function cameraMoving(renderer: Sigma): boolean {
  const mouse = renderer.getMouseCaptor();
  return renderer.getCamera().isAnimated() || mouse.isMoving || mouse.draggedEvents > 0 || mouse.currentWheelDirection !== 0;
}

/** A concrete sigma program class (TypeScript's mixin pattern needs a constructor of any arguments). */
/* eslint-disable @typescript-eslint/no-explicit-any */
type ProgramClass = new (...args: any[]) => Program & {
  getDefinition(): ReturnType<Program['getDefinition']>;
  setUniforms(params: RenderParams, info: ProgramInfo): void;
  process(...args: any[]): void;
  processVisibleItem(...args: any[]): void;
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** An instanced sigma program drawn without instancing, uploading its vertices once per change, without picking mid-move. */
function lean<TBase extends ProgramClass>(Base: TBase) {
  return class Lean extends deinstanced(Base) {
    /** Bumped whenever the vertex array may have changed. */
    private arrayVersion = 0;
    private readonly uploaded = new WeakMap<ProgramInfo, number>();

    override reallocate(capacity: number): void {
      super.reallocate(capacity);
      this.arrayVersion += 1;
    }

    override process(...args: unknown[]): void {
      this.arrayVersion += 1;
      super.process(...args);
    }

    protected override bindProgram(program: ProgramInfo): void {
      if (this.uploaded.get(program) !== this.arrayVersion) {
        super.bindProgram(program);
        this.uploaded.set(program, this.arrayVersion);
        return;
      }
      // Sigma's bindProgram (of a program without instancing) without its bufferData: the buffer already holds the data.
      const { gl } = program;
      gl.bindBuffer(gl.ARRAY_BUFFER, program.buffer);
      let offset = 0;
      for (const attr of this.ATTRIBUTES) offset += this.bindAttribute(attr, program, offset);
      gl.bindBuffer(gl.ARRAY_BUFFER, null);
    }

    override render(params: RenderParams): void {
      const renderer = this.renderer as unknown as Sigma;
      if (this.pickProgram === null || !renderer.getSetting('hideEdgesOnMove') || !cameraMoving(renderer)) {
        super.render(params);
        return;
      }
      // Program.render without its picking pass.
      if (this.hasNothingToRender()) return;
      this.normalProgram.gl.viewport(0, 0, params.width * params.pixelRatio, params.height * params.pixelRatio);
      this.bindProgram(this.normalProgram);
      this.renderProgram(params, this.normalProgram);
      this.unbindProgram(this.normalProgram);
    }
  };
}

/**
 * The same program, drawn without instancing: its constant attributes (the
 * shape's corners) become per-vertex attributes after the item's own, and
 * each item is written once per vertex.
 */
function deinstanced<TBase extends ProgramClass>(Base: TBase) {
  const instanced = (Base as unknown as { prototype: Program }).prototype.getDefinition() as InstancedProgramDefinition;
  const itemFloats = instanced.ATTRIBUTES.reduce((n, a) => n + attributeFloats(a), 0);
  const cornerFloats = instanced.CONSTANT_ATTRIBUTES.reduce((n, a) => n + attributeFloats(a), 0);
  const definition: ProgramDefinition = {
    VERTICES: instanced.VERTICES,
    VERTEX_SHADER_SOURCE: instanced.VERTEX_SHADER_SOURCE,
    FRAGMENT_SHADER_SOURCE: instanced.FRAGMENT_SHADER_SOURCE,
    METHOD: instanced.METHOD,
    UNIFORMS: instanced.UNIFORMS,
    ATTRIBUTES: [...instanced.ATTRIBUTES, ...instanced.CONSTANT_ATTRIBUTES],
  };
  const item = new Float32Array(itemFloats);
  return class Deinstanced extends Base {
    override getDefinition() {
      return definition;
    }

    override processVisibleItem(index: number, start: number, ...data: unknown[]): void {
      // The instanced program writes the item's attributes at `start`; copy them to every vertex, each with its corner.
      super.processVisibleItem(index, start, ...data);
      item.set(this.array.subarray(start, start + itemFloats));
      for (let v = 0; v < definition.VERTICES; v++) {
        const at = start + v * (itemFloats + cornerFloats);
        this.array.set(item, at);
        this.array.set(instanced.CONSTANT_DATA[v]!, at + itemFloats);
      }
    }
  };
}

/** Floats an attribute takes in sigma's arrays: four bytes (a colour, an id) pack into one. */
function attributeFloats(attribute: { size: number; type: number }): number {
  return attribute.type === WebGLRenderingContext.UNSIGNED_BYTE ? attribute.size / 4 : attribute.size;
}

// Typed as sigma's own classes: same constructor, same public interface.
export const LeanNodeCircleProgram = lean(NodeCircleProgram) as unknown as typeof NodeCircleProgram;
export const LeanEdgeRectangleProgram = lean(EdgeRectangleProgram) as unknown as typeof EdgeRectangleProgram;
